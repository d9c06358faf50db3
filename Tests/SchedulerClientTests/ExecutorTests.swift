import Foundation
import SchedulerClient
import Testing
import Transport
import WireProtocol

/// Callers that run on the client's own I/O threads (`SchedulerClient.executors`): each writes
/// its requests on the thread it runs on, over that thread's connections.
@Suite("Client executors: callers on the client's I/O threads", .timeLimit(.minutes(1)))
struct ExecutorTests {
    typealias V1 = SchedulerV1

    func makeClient(_ server: ScriptedServer, connections: Int) throws -> SchedulerClient {
        var config = SchedulerClientConfiguration(address: "\(server.listener.localAddress)", caFile: server.pki.caFile)
        config.connections = connections
        config.retry.initialBackoff = .milliseconds(5)
        return try SchedulerClient(configuration: config)
    }

    @Test("one loop per connection up to the processors; a pinned caller stays on its loop; pool callers alongside")
    func pinnedCallers() async throws {
        let server = try ScriptedServer { _ in .ok(V1.HealthResponse(status: .serving)) }
        defer { server.shutdown() }
        let client = try makeClient(server, connections: 4)
        let loops = client.executors.compactMap { $0 as? EventLoop }
        #expect(loops.count == min(4, EventLoopGroup.allowedCPUCount))
        #expect(try makeClient(server, connections: 1).executors.count == 1)

        let results = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for w in 0..<(3 * loops.count) {
                let loop = loops[w % loops.count]
                group.addTask(executorPreference: loop) {
                    var stayed = true
                    for _ in 0..<20 {
                        let status = try await client.health()
                        #expect(status == .serving)
                        stayed = stayed && loop.inEventLoop
                    }
                    return (20, stayed)
                }
            }
            group.addTask {  // a caller on the global pool, at the same time
                for _ in 0..<20 {
                    let status = try await client.health()
                    #expect(status == .serving)
                }
                return (20, true)
            }
            var out: [(Int, Bool)] = []
            for try await r in group { out.append(r) }
            return out
        }
        #expect(results.map(\.0).reduce(0, +) == 20 * (3 * loops.count + 1))
        #expect(results.allSatisfy { $0.1 }, "every pinned caller resumed on its own loop after each call")
        #expect(server.requests.count == 20 * (3 * loops.count + 1))
        await client.close()
    }

    @Test("ioThreads sets the I/O threads (never more than the connections); outside 1…64 it is refused, naming the field")
    func ioThreads() async throws {
        let server = try ScriptedServer { _ in .ok(V1.HealthResponse(status: .serving)) }
        defer { server.shutdown() }
        var config = SchedulerClientConfiguration(address: "\(server.listener.localAddress)", caFile: server.pki.caFile)
        config.connections = 4
        for (threads, expected) in [(1, 1), (3, 3), (8, 4)] {
            config.ioThreads = threads
            let client = try SchedulerClient(configuration: config)
            #expect(client.executors.count == expected, "ioThreads \(threads)")
            // Every connection slot answers: four calls from one caller on the first thread go
            // round-robin over that thread's connections, and the pool's callers over all four.
            let loop = try #require(client.executors.first as? EventLoop)
            let onLoop = try await Task(executorPreference: loop) {
                var served = 0
                for _ in 0..<4 where try await client.health() == .serving { served += 1 }
                return served
            }.value
            #expect(onLoop == 4)
            for _ in 0..<4 { #expect(try await client.health() == .serving) }
            await client.close()
        }
        for bad in [0, 65, -1] {
            config.ioThreads = bad
            #expect {
                _ = try SchedulerClient(configuration: config)
            } throws: { error in
                let e = error as? SchedulerError
                return e?.code == .invalidArgument && e?.message.contains("ioThreads") == true && e?.cause == .notSent
            }
        }
    }

    @Test("a pinned caller's deadline on a server that never answers: DEADLINE_EXCEEDED, then a cancel frame")
    func pinnedDeadline() async throws {
        let server = try ScriptedServer()
        defer { server.shutdown() }
        let client = try makeClient(server, connections: 2)
        let loop = try #require(client.executors.first as? EventLoop)
        // The first call connects (and races its deadline); the second is written inline by the
        // caller on the loop, and the channel's own deadline watch must still end it.
        // A child task (not Task {}): the suite's time limit cancels it if the deadline never fires.
        let outcomes = await withTaskGroup(of: [SchedulerError?].self) { group in
            group.addTask(executorPreference: loop) { () -> [SchedulerError?] in
                var errors: [SchedulerError?] = []
                for _ in 0..<2 {
                    do {
                        _ = try await client.health(timeout: .milliseconds(200))
                        errors.append(nil)
                    } catch let error as SchedulerError {
                        errors.append(error)
                    } catch {
                        Issue.record("\(error)")
                    }
                }
                return errors
            }
            return await group.next() ?? []
        }
        for error in outcomes {
            #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
        }
        #expect(outcomes.last??.cause == .sentNoAnswer)
        var cancels = 0
        for await frame in server.frames {
            if case .cancel(let c) = frame.kind {
                #expect(c.reason == "deadline exceeded")
                cancels += 1
                if cancels == 2 { break }
            }
        }
        #expect(server.requests.count == 2)
    }
}
