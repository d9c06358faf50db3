import Foundation
import MetricsTestKit
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Synchronization
import TLS
import TestSupport
import Testing
import Transport
import WireProtocol

@Suite("RPC server over TLS on loopback", .timeLimit(.minutes(3)))
struct RPCServerTests {
    @Test("100 concurrent calls on one connection, matched by call id")
    func multiplexed() async throws {
        let h = try RPCHarness(methods: testMethods())
        let channel = try await h.channel()
        let token = h.adminToken
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 1...100 {
                group.addTask {
                    let r = try await channel.call(method: "test.v1.T/Echo", payload: payload(UInt64(i)), metadata: .bearer(token))
                    #expect(try number(r) == UInt64(i))
                }
            }
            try await group.waitForAll()
        }
        await h.shutdown()
    }

    @Test("100 calls spread over 50 connections")
    func manyConnections() async throws {
        let h = try RPCHarness(methods: testMethods())
        var channels: [RPCChannel] = []
        for _ in 0..<50 { channels.append(try await h.channel()) }
        let token = h.adminToken
        let all = channels
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<100 {
                group.addTask {
                    let r = try await all[i % 50].call(method: "test.v1.T/Echo", payload: payload(UInt64(i)), metadata: .bearer(token))
                    #expect(try number(r) == UInt64(i))
                }
            }
            try await group.waitForAll()
        }
        #expect(h.server.connectionCount == 50)
        await h.shutdown()
    }

    @Test("unknown method → UNIMPLEMENTED; deadline → DEADLINE_EXCEEDED; cancel → CANCELLED; ping answered")
    func callOutcomes() async throws {
        let h = try RPCHarness(methods: testMethods())
        let channel = try await h.channel()
        let auth = [MetadataEntry].bearer(h.adminToken)
        let unknown = try await channel.call(method: "test.v1.T/Nope", payload: [], metadata: auth)
        #expect(unknown.code == .unimplemented)
        #expect(unknown.message.contains("test.v1.T/Nope"))

        let late = try await channel.call(method: "test.v1.T/Slow", payload: payload(10_000), metadata: auth, timeoutMilliseconds: 50)
        #expect(late.code == .deadlineExceeded)

        let task = Task { try await channel.call(method: "test.v1.T/Slow", payload: payload(10_000), metadata: auth) }
        #expect(await eventually { h.server.inFlightCount == 1 })  // the request reached the server
        task.cancel()
        await #expect(throws: RPCError(code: .cancelled, message: "cancelled by the caller")) { try await task.value }
        #expect(try await channel.ping() < .seconds(5))
        // The connection still works after all of that.
        #expect(try number(await channel.call(method: "test.v1.T/Echo", payload: payload(7), metadata: auth)) == 7)
        await h.shutdown()
    }

    @Test("an immediate method is answered on arrival, ahead of a call still running; its errors and metrics as any call's")
    func immediateMethods() async throws {
        let test = TestMetrics()
        let release = AsyncStream<Void>.makeStream()
        var methods = testMethods()
        // Waits for the test to release it: a call still running when the immediate ones arrive.
        methods["test.v1.T/Wait"] = MethodHandler { _, bytes in
            for await _ in release.stream { break }
            return Frame.Response(payload: bytes)
        }
        methods["test.v1.T/Now"] = MethodHandler(requiresAuthentication: false, immediate: { bytes throws(RPCError) in
            let n = try Frame.Ping(serializedBytes: bytes).nonce
            guard n != 0 else { throw RPCError(code: .invalidArgument, message: "now.nonce: must not be 0") }
            return Frame.Response(payload: bytes)
        })
        let h = try RPCHarness(methods: methods, metrics: ServerMetrics(factory: test))
        let channel = try await h.channel()
        let waiting = Task { try await channel.call(method: "test.v1.T/Wait", payload: payload(9), metadata: .bearer(h.adminToken)) }
        #expect(await eventually { h.server.inFlightCount == 1 })
        #expect(try number(await channel.call(method: "test.v1.T/Now", payload: payload(5))) == 5)
        let refused = try await channel.call(method: "test.v1.T/Now", payload: payload(0))
        #expect(refused.code == .invalidArgument && refused.message == "now.nonce: must not be 0")
        #expect(try await channel.call(method: "test.v1.T/Now", payload: [0xFF]).code == .invalidArgument)
        // Neither waited for the call still running, nor counted as one in flight.
        #expect(h.server.inFlightCount == 1)
        release.continuation.finish()
        #expect(try number(await waiting.value) == 9)
        func calls(_ code: String) throws -> Int64 {
            try test.expectCounter(MetricName.rpcCalls, [("method", "Now"), ("code", code)]).totalValue
        }
        #expect(try calls("OK") == 1)
        #expect(try calls("INVALID_ARGUMENT") == 2)
        #expect(try test.expectTimer(MetricName.rpcDuration, [("method", "Now")]).values.count == 3)
        await h.shutdown()
    }

    @Test("a call whose task is cancelled before it is registered is never sent and throws CANCELLED")
    func cancelledBeforeTheCall() async throws {
        let h = try RPCHarness(methods: testMethods())
        let channel = try await h.channel()
        let auth = [MetadataEntry].bearer(h.adminToken)
        // The cancellation lands before the call registers: without the mark it was lost, and the
        // call went out and waited the whole 10 s for the slow method's answer.
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await channel.call(method: "test.v1.T/Slow", payload: payload(10_000), metadata: auth)
        }
        await #expect(throws: RPCError(code: .cancelled, message: "cancelled by the caller")) { try await task.value }
        #expect(h.server.inFlightCount == 0)
        #expect(try number(await channel.call(method: "test.v1.T/Echo", payload: payload(3), metadata: auth)) == 3)
        await h.shutdown()
    }

    @Test("auth: missing, malformed, invalid and revoked tokens; other project; health needs none")
    func authentication() async throws {
        let h = try RPCHarness(methods: testMethods())
        let channel = try await h.channel()
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: []).code == .unauthenticated)
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: [MetadataEntry(key: "authorization", value: h.blogToken)]).code == .unauthenticated)
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: .bearer("st_000000000000_forged")).code == .unauthenticated)
        #expect(try await channel.call(method: "test.v1.T/Health", payload: payload(1)).code == .ok)
        #expect(try await channel.call(method: "test.v1.T/Project", payload: [], metadata: .bearer(h.blogToken)).code == .ok)
        let other = try h.tokens.create(projects: ["news"], admin: false)
        let denied = try await channel.call(method: "test.v1.T/Project", payload: [], metadata: .bearer(other.token))
        #expect(denied.code == .permissionDenied)
        #expect(!denied.message.contains(other.token))
        try h.tokens.revoke(id: other.record.id)
        h.tokens.invalidate()
        #expect(try await channel.call(method: "test.v1.T/Project", payload: [], metadata: .bearer(other.token)).code == .unauthenticated)
        await h.shutdown()
    }

    @Test("per-principal rate limit → RESOURCE_EXHAUSTED with retry-after")
    func rateLimit() async throws {
        var limits = ServerLimits()
        limits.ratePerSecond = 1
        limits.rateBurst = 3
        // The bucket runs on a manual clock: no refill happens unless the test moves time.
        let clock = ManualClock(Instant(unixSeconds: 1_800_000_000))
        let h = try RPCHarness(methods: testMethods(), limits: limits, clock: clock)
        let channel = try await h.channel()
        for _ in 0..<3 { #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: .bearer(h.blogToken)).code == .ok) }
        let limited = try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: .bearer(h.blogToken))
        #expect(limited.code == .resourceExhausted)
        #expect(limited.metadata.first("retry-after-ms").flatMap(Int.init) ?? 0 > 0)
        #expect(limited.details.retryInfo != nil)
        // Another principal has its own bucket.
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: .bearer(h.adminToken)).code == .ok)
        // One second later one more token is there.
        clock.advance(seconds: 1)
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: .bearer(h.blogToken)).code == .ok)
        await h.shutdown()
    }

    @Test("in-flight limit per connection → RESOURCE_EXHAUSTED")
    func inFlightLimit() async throws {
        var limits = ServerLimits()
        limits.maxInFlightPerConnection = 2
        let h = try RPCHarness(methods: testMethods(), limits: limits)
        let channel = try await h.channel()
        let auth = [MetadataEntry].bearer(h.adminToken)
        // The two slow calls last until cancelled, so they are still in flight however late a busy
        // test process gets to the third call.
        let slow1 = Task { try await channel.call(method: "test.v1.T/Slow", payload: payload(120_000), metadata: auth) }
        let slow2 = Task { try await channel.call(method: "test.v1.T/Slow", payload: payload(120_000), metadata: auth) }
        #expect(await eventually(timeout: .seconds(60)) { h.server.inFlightCount == 2 })
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: auth).code == .resourceExhausted)
        slow1.cancel()
        slow2.cancel()
        for slow in [slow1, slow2] {
            await #expect(throws: RPCError(code: .cancelled, message: "cancelled by the caller")) { try await slow.value }
        }
        // The slots are free again.
        #expect(await eventually(timeout: .seconds(60)) { h.server.inFlightCount == 0 })
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: [], metadata: auth).code == .ok)
        await h.shutdown()
    }

    @Test("mutual TLS: a mapped certificate authenticates; without a certificate the handshake is refused")
    func mutualTLS() async throws {
        let h = try RPCHarness(methods: testMethods(), mutualTLS: true, identities: [IdentityMapping(identity: "spiffe://test/worker", projects: ["blog"])])
        let withCert = try await h.channel(withCertificate: true)
        #expect(try await withCert.call(method: "test.v1.T/Project", payload: []).code == .ok)
        // In TLS 1.3 the client completes its side before the server checks the client's
        // certificate, so the refusal shows as a connect error or as the first call failing.
        do {
            let anonymous = try await h.channel(withCertificate: false)
            let r = try await anonymous.call(method: "test.v1.T/Health", payload: [])
            Issue.record("a client without a certificate was served: \(r.code)")
        } catch let e as RPCError {
            #expect(e.code == .unavailable)
        } catch {
            // refused during connect
        }
        // The client can see the refusal before the server has closed its side.
        #expect(await eventually { h.server.connectionCount == 1 })
        #expect(h.server.closedConnectionCount == 1)
        await h.shutdown()
    }

    @Test("certificate reload keeps open connections and serves new ones with the new certificate")
    func reload() async throws {
        let h = try RPCHarness(methods: testMethods())
        let before = try await h.channel()
        let fresh = try h.ca.issue(commonName: "localhost-2", usage: .server, ipAddresses: ["127.0.0.1"])
        try fresh.certificatePEM.write(toFile: h.serverCert, atomically: true, encoding: .utf8)
        try fresh.privateKeyPEM.write(toFile: h.serverKey, atomically: true, encoding: .utf8)
        try h.server.reloadCertificates()
        #expect(try await before.call(method: "test.v1.T/Health", payload: []).code == .ok)
        let after = try await h.channel()
        #expect(try await after.call(method: "test.v1.T/Health", payload: []).code == .ok)
        // A broken file is refused and the old context stays.
        try "not a certificate".write(toFile: h.serverCert, atomically: true, encoding: .utf8)
        #expect(throws: TLSError.self) { try h.server.reloadCertificates() }
        #expect(try await h.channel().call(method: "test.v1.T/Health", payload: []).code == .ok)
        await h.shutdown()
    }

    @Test("drain: in-flight calls finish, new calls are refused, nothing is lost")
    func drain() async throws {
        let started = Counter()
        let h = try RPCHarness(methods: testMethods(started: started))
        let channel = try await h.channel()
        let auth = [MetadataEntry].bearer(h.adminToken)
        let calls = (0..<10).map { _ in Task { try await channel.call(method: "test.v1.T/Slow", payload: payload(200), metadata: auth) } }
        let deadline = ContinuousClock.now + .seconds(30)
        while started.value.load(ordering: .relaxed) < 10 {
            guard ContinuousClock.now < deadline else {
                Issue.record("the 10 slow calls did not all start within 30 s")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let abandoned = await h.server.drain(timeoutMilliseconds: 5000)
        #expect(abandoned == 0)
        for c in calls { #expect(try await c.value.code == .ok) }
        #expect(!channel.isUsable)
        h.clientLoop.shutdown()
    }

    @Test("1,000 idle authenticated connections from one address held while the server still serves")
    func idleConnections() async throws {
        // Over 2,000 descriptors in this process: no child process may be launched meanwhile
        // (Foundation's Process.run crashes on a full /proc/self/fd listing; see ProcessGate).
        try await ProcessGate.exclusive {
            let h = try RPCHarness(methods: testMethods())
            var channels: [RPCChannel] = []
            // Each authenticates with one call: 1,000 unauthenticated connections from one address
            // are far past maxUnauthenticatedConnectionsPerAddress (64).
            let auth = [MetadataEntry].bearer(h.adminToken)
            for _ in 0..<1000 {
                let channel = try await h.channel()
                #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(1), metadata: auth).code == .ok)
                channels.append(channel)
            }
            #expect(h.server.unauthenticatedConnectionCount == 0)
            #expect(h.server.connectionCount == 1000)
            let fresh = try await h.channel()
            #expect(try await fresh.call(method: "test.v1.T/Health", payload: payload(3)).code == .ok)
            #expect(try await channels[500].call(method: "test.v1.T/Health", payload: payload(3)).code == .ok)
            await h.shutdown()
            channels.removeAll()
            #expect(await eventually { h.server.connectionCount == 0 })
        }
    }
}
