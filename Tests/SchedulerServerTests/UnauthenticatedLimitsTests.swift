import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Synchronization
import TLS
import TestSupport
import Testing
import Transport
import WireProtocol

/// Test methods whose Health counts the calls it serves.
func countingMethods(_ served: Counter) -> [String: MethodHandler] {
    var methods = testMethods()
    methods["test.v1.T/Health"] = MethodHandler(requiresAuthentication: false) { _, bytes in
        served.value.add(1, ordering: .relaxed)
        return Frame.Response(payload: bytes)
    }
    return methods
}

/// Encoded request frames, one after the other, for a single write.
func pipelined(_ count: Int, method: String, metadata: [MetadataEntry] = []) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for i in 1...count {
        bytes += try FrameEncoder().encode(Frame(callID: UInt64(i), kind: .request(Frame.Request(method: method, metadata: metadata, payload: payload(UInt64(i))))))
    }
    return bytes
}

/// A raw TLS connection from the test to the harness's server, active.
func rawPeer(_ h: RPCHarness) async throws -> (Connection, RawPeer, AsyncStream<RawPeer.Event>.Iterator)? {
    let peer = RawPeer()
    let ctx = try TLSContext(configuration: .client(trustRootsFile: h.caFile, serverName: "127.0.0.1", alpnProtocols: [ALPN.protocolID]))
    let raw = try Connection.connect(to: h.address, context: ctx, loop: h.clientLoop) { _ in peer }
    var events = peer.events.makeAsyncIterator()
    guard case .active = await events.next() else { return nil }
    return (raw, peer, events)
}

@Suite("Calls and connections without credentials are limited", .timeLimit(.minutes(3)))
struct UnauthenticatedLimitsTests {
    static func limits(rate: Double = 10, burst: Double = 20) -> ServerLimits {
        var l = ServerLimits()
        l.unauthenticatedRatePerSecond = rate
        l.unauthenticatedRateBurst = burst
        return l
    }

    @Test("pipelined Health calls past the source's burst get RESOURCE_EXHAUSTED with retry-after; the connection stays")
    func healthBurst() async throws {
        let served = Counter()
        let h = try RPCHarness(methods: countingMethods(served), limits: Self.limits(), clock: ManualClock(Instant(unixSeconds: 1_000_000)))
        let (raw, _, events) = try #require(try await rawPeer(h))
        var it = events
        let bytes = try pipelined(30, method: "test.v1.T/Health")
        raw.loop.execute { raw.send(bytes) }
        var codes: [StatusCode: Int] = [:]
        var retryAfter: [String] = []
        while codes.values.reduce(0, +) < 30, let e = await it.next() {
            guard case .frame(let f) = e, case .response(let r) = f.kind else { continue }
            codes[r.code, default: 0] += 1
            if r.code == .resourceExhausted { retryAfter += r.metadata.filter { $0.key == "retry-after-ms" }.map(\.value) }
        }
        #expect(codes[.ok] == 20)
        #expect(codes[.resourceExhausted] == 10)
        #expect(retryAfter.count == 10 && retryAfter.allSatisfy { (Int($0) ?? 0) > 0 })
        #expect(served.value.load(ordering: .relaxed) == 20)
        #expect(raw.isActive)
        await h.shutdown()
    }

    @Test("a connection that goes on a whole burst past the limit is closed with go-away RESOURCE_EXHAUSTED")
    func healthFlood() async throws {
        let served = Counter()
        let h = try RPCHarness(methods: countingMethods(served), limits: Self.limits(), clock: ManualClock(Instant(unixSeconds: 1_000_000)))
        let (raw, _, events) = try #require(try await rawPeer(h))
        var it = events
        let bytes = try pipelined(2_000, method: "test.v1.T/Health")
        raw.loop.execute { raw.send(bytes) }
        var goAway: Frame.GoAway?
        var exhausted = 0
        while let e = await it.next() {
            if case .frame(let f) = e {
                if case .goAway(let g) = f.kind { goAway = g }
                if case .response(let r) = f.kind, r.code == .resourceExhausted { exhausted += 1 }
            }
        }
        let g = try #require(goAway)
        #expect(g.code == .resourceExhausted)
        #expect(exhausted == 19)
        #expect(served.value.load(ordering: .relaxed) <= 20)
        await h.shutdown()
    }

    @Test("calls with a garbage token count against the source; a valid token keeps its own limit")
    func garbageTokens() async throws {
        let clock = ManualClock(Instant(unixSeconds: 1_000_000))
        let h = try RPCHarness(methods: testMethods(), limits: Self.limits(rate: 5, burst: 5), clock: clock)
        let channel = try await h.channel()
        let garbage = [MetadataEntry].bearer("st_nope_nope")
        for _ in 0..<5 {
            #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(1), metadata: garbage).code == .unauthenticated)
        }
        let limited = try await channel.call(method: "test.v1.T/Echo", payload: payload(1), metadata: garbage)
        #expect(limited.code == .resourceExhausted)
        #expect(limited.metadata.contains { $0.key == "retry-after-ms" && $0.value == "200" })
        // Unknown methods and Health from the same address are limited too...
        #expect(try await channel.call(method: "test.v1.T/Nope", payload: payload(1)).code == .resourceExhausted)
        #expect(try await channel.call(method: "test.v1.T/Health", payload: payload(1)).code == .resourceExhausted)
        // ...but a valid token is not: its principal has its own bucket.
        let auth = [MetadataEntry].bearer(h.blogToken)
        for _ in 0..<10 {
            #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(2), metadata: auth).code == .ok)
        }
        clock.advance(seconds: 1)
        #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(1), metadata: garbage).code == .unauthenticated)
        await h.shutdown()
    }

    @Test("a frame that trickles without completing closes the connection after the partial-message timeout")
    func partialFrame() async throws {
        var limits = ServerLimits()
        limits.connection.partialMessageTimeoutMilliseconds = 200
        limits.connection.idleTimeoutMilliseconds = 20_000
        let h = try RPCHarness(methods: testMethods(), limits: limits)
        let (raw, _, events) = try #require(try await rawPeer(h))
        var it = events
        // A frame of 100 bytes announced; 10 arrive.
        raw.loop.execute { raw.send([0, 0, 0, 100] + [UInt8](repeating: 0x0A, count: 10)) }
        let started = ContinuousClock.now
        var closed = false
        while let e = await it.next() { if case .closed = e { closed = true } }
        #expect(closed)
        // Closed by the partial-frame timer, not the 20 s idle timeout.
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await eventually { h.server.connectionCount == 0 })
        await h.shutdown()
    }

    @Test("more than maxConnections silent sockets from one address do not lock out clients from another")
    func connectionFlood() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 20
        limits.maxUnauthenticatedConnectionsPerAddress = 4
        limits.connection.handshakeTimeoutMilliseconds = 60_000
        let h = try RPCHarness(methods: testMethods(), limits: limits)
        #expect(limits.effectiveMaxUnauthenticatedConnections == 5)
        var flood: [Int32] = []
        defer { for fd in flood { close(fd) } }
        for _ in 0..<40 { flood.append(plainConnect(port: h.address.port, from: "127.0.0.2")) }
        #expect(!flood.contains(-1))
        #expect(await eventually { h.server.refusedConnectionCount == 36 })
        // Ten clients from 127.0.0.1, each authenticating with its first call, all get in.
        let auth = [MetadataEntry].bearer(h.adminToken)
        var channels: [RPCChannel] = []
        for _ in 0..<10 {
            let channel = try await h.channel()
            #expect(try await channel.call(method: "test.v1.T/Echo", payload: payload(1), metadata: auth).code == .ok)
            channels.append(channel)
        }
        #expect(h.server.unauthenticatedConnectionCount == 4)
        #expect(h.server.connectionCount == 14)
        await h.shutdown()
    }
}
