import Foundation
import SchedulerClient
import TestSupport
import Testing
import WireProtocol

/// The client's own deadline: it holds when the server, or the connection, never answers.
///
/// The upper bounds are generous (a 300 ms deadline must end the call within 2 s) for a loaded
/// 2-core machine; before the client enforced deadlines these calls waited 10 s per handshake
/// attempt, or forever for a response.
@Suite("Client deadlines and retry causes", .timeLimit(.minutes(1)))
struct DeadlineTests {
    static let timeout: Duration = .milliseconds(300)
    static let bound: Duration = .seconds(2)

    @Test("a server that accepts TCP but never answers the TLS handshake: DEADLINE_EXCEEDED in time, not sent")
    func handshakeNeverAnswered() async throws {
        let listener = try SilentTCPListener()
        defer { listener.stop() }
        let pki = try TestPKI(name: "silent")
        defer { pki.cleanup() }
        var config = SchedulerClientConfiguration(address: listener.address, caFile: pki.caFile)
        config.retry.initialBackoff = .milliseconds(5)
        let client = try SchedulerClient(configuration: config)
        let start = ContinuousClock.now
        let error = await #expect(throws: SchedulerError.self) { try await client.health(timeout: Self.timeout) }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
        #expect(error?.cause == .notSent)
        #expect(elapsed >= Self.timeout && elapsed < Self.bound, "took \(elapsed)")
    }

    @Test("a TLS server that never answers the request: DEADLINE_EXCEEDED in time, and it sees a cancel frame")
    func responseNeverSent() async throws {
        let server = try ScriptedServer()
        defer { server.shutdown() }
        let client = try server.client()
        let start = ContinuousClock.now
        let error = await #expect(throws: SchedulerError.self) { try await client.health(timeout: Self.timeout) }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
        #expect(error?.cause == .sentNoAnswer)
        #expect(elapsed >= Self.timeout && elapsed < Self.bound, "took \(elapsed)")

        // The request, then a cancel for the same call id saying why.
        var request: (id: UInt64, timeoutMs: UInt64)?
        var cancel: (id: UInt64, reason: String)?
        for await frame in server.frames {
            switch frame.kind {
            case .request(let r): request = (frame.callID, r.timeoutMs)
            case .cancel(let c): cancel = (frame.callID, c.reason)
            default: break
            }
            if cancel != nil { break }
        }
        let sent = try #require(request)
        #expect(cancel?.id == sent.id && cancel?.reason == "deadline exceeded")
        #expect(sent.timeoutMs >= 1 && sent.timeoutMs <= 300, "timeout_ms is the time left")
        #expect(server.requests.count == 1, "a deadline is not retried")
    }

    @Test("on a connection already up the channel enforces the deadline: every call in time, each with its cancel frame")
    func responseNeverSentOnAConnectionAlreadyUp() async throws {
        let server = try ScriptedServer()
        defer { server.shutdown() }
        let client = try server.client()
        // The first call opens the connection (and races its deadline as connecting calls do).
        _ = await #expect(throws: SchedulerError.self) { try await client.health(timeout: Self.timeout) }
        // Then calls with different deadlines, the later ones started first, all unanswered.
        let timeouts: [Duration] = [.milliseconds(900), .milliseconds(300), .milliseconds(600)]
        let outcomes = await withTaskGroup(of: (Duration, SchedulerError?, Duration).self) { group in
            for t in timeouts {
                group.addTask {
                    let start = ContinuousClock.now
                    do {
                        _ = try await client.health(timeout: t)
                        return (t, nil, ContinuousClock.now - start)
                    } catch {
                        return (t, error as? SchedulerError, ContinuousClock.now - start)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.count == 3)
        for (t, error, elapsed) in outcomes {
            #expect(error?.code == .deadlineExceeded && error?.cause == .sentNoAnswer, "\(t): \(String(describing: error))")
            #expect(elapsed >= t && elapsed < t + Self.bound, "\(t) took \(elapsed)")
        }
        // Four requests, four cancels for the same call ids, each saying why.
        var requests: Set<UInt64> = []
        var cancels: Set<UInt64> = []
        for await frame in server.frames {
            switch frame.kind {
            case .request: requests.insert(frame.callID)
            case .cancel(let c):
                #expect(c.reason == "deadline exceeded")
                cancels.insert(frame.callID)
            default: break
            }
            if cancels.count == 4 { break }
        }
        #expect(requests.count == 4 && cancels == requests)
    }

    @Test("a deadline that ends the backoff between retries names the last attempt's failure")
    func deadlineDuringBackoff() async throws {
        // Nothing listens on port 1 (as schedctl's tests assume too): connecting is refused at once.
        let pki = try TestPKI(name: "refused")
        defer { pki.cleanup() }
        var config = SchedulerClientConfiguration(address: "127.0.0.1:1", caFile: pki.caFile)
        config.retry.initialBackoff = .seconds(30)
        config.retry.maxBackoff = .seconds(30)
        let client = try SchedulerClient(configuration: config)
        let start = ContinuousClock.now
        let error = await #expect(throws: SchedulerError.self) { try await client.health(timeout: Self.timeout) }
        #expect(ContinuousClock.now - start < Self.bound)
        #expect(error?.code == .deadlineExceeded && error?.cause == .notSent, "\(String(describing: error))")
        #expect(error?.message.contains("UNAVAILABLE: cannot connect") == true, "\(String(describing: error))")
    }

    @Test("a cancelled caller still gets CANCELLED, not DEADLINE_EXCEEDED")
    func callerCancellation() async throws {
        let server = try ScriptedServer()
        defer { server.shutdown() }
        let client = try server.client()
        let call = Task { try await client.health(timeout: .seconds(30)) }
        // Cancel once the request has reached the server.
        for await frame in server.frames {
            if case .request = frame.kind { break }
        }
        call.cancel()
        let error = await #expect(throws: SchedulerError.self) { try await call.value }
        #expect(error?.code == .cancelled && error?.cause == .sentNoAnswer)
        for await frame in server.frames {
            if case .cancel(let c) = frame.kind {
                #expect(c.reason == "caller cancelled")
                break
            }
        }
    }

    @Test("an unsafe call answered UNAVAILABLE is sent once, whatever the message says")
    func retriesIgnoreMessageText() async throws {
        let server = try ScriptedServer { _ in
            Frame.Response(error: RPCError(code: .unavailable, message: "draining (call not sent)"))
        }
        defer { server.shutdown() }
        let client = try server.client(retries: 4)
        // Cancel is not safe to repeat: the server answered, so it may have acted.
        let cancel = await #expect(throws: SchedulerError.self) { try await client.cancel(projectID: "blog", scheduleID: "sch_1") }
        #expect(cancel?.code == .unavailable && cancel?.cause == .answered)
        #expect(server.requests.count == 1)
        // Get is safe to repeat: retried up to the policy's attempts.
        _ = await #expect(throws: SchedulerError.self) { try await client.get(projectID: "blog", scheduleID: "sch_1") }
        #expect(server.requests.count == 1 + 4)
    }
}
