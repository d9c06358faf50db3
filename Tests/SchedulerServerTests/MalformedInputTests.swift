import Foundation
import SchedulerClient
import SchedulerServer
import Synchronization
import TLS
import Testing
import Transport
import WireProtocol

/// A raw TLS client that sends arbitrary bytes and reports the frames and the close it sees.
final class RawPeer: ConnectionDelegate, @unchecked Sendable {
    // Callbacks run on the connection's loop; results leave through the stream.
    enum Event: Sendable { case active, frame(Frame), closed }
    let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private var decoder = FrameDecoder()

    init() { (events, sink) = AsyncStream.makeStream() }

    func connectionDidBecomeActive(_ connection: Connection) { sink.yield(.active) }
    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {
        try? decoder.append(bytes)
        while let f = decoder.nextFrame() { sink.yield(.frame(f)) }
    }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        sink.yield(.closed)
        sink.finish()
    }
}

@Suite("Malformed input ends one connection, not the server", .timeLimit(.minutes(3)))
struct MalformedInputTests {
    static let cases: [(String, [UInt8])] = [
        ("length 0", [0, 0, 0, 0]),
        ("length 2^32-1", [0xFF, 0xFF, 0xFF, 0xFF]),
        ("just over the 4 MiB cap", [0x00, 0x40, 0x00, 0x01]),
        ("random bytes as a frame", [0, 0, 0, 8, 0xFF, 0xFE, 0xFD, 0x01, 0x02, 0x03, 0x04, 0x05]),
        ("a response sent by a client", (try? FrameEncoder().encode(Frame(callID: 1, kind: .response(Frame.Response())))) ?? []),
        ("a request with call id 0", (try? FrameEncoder().encode(Frame(callID: 0, kind: .request(Frame.Request(method: "x"))))) ?? []),
    ]

    @Test("each malformed input gets go-away with a reason, then close", arguments: 0..<6)
    func malformed(_ index: Int) async throws {
        let (name, bytes) = Self.cases[index]
        let h = try RPCHarness(methods: testMethods())
        let good = try await h.channel()
        let peer = RawPeer()
        let ctx = try TLSContext(configuration: .client(trustRootsFile: h.caFile, serverName: "127.0.0.1", alpnProtocols: [ALPN.protocolID]))
        let raw = try Connection.connect(to: h.address, context: ctx, loop: h.clientLoop) { _ in peer }
        var events = peer.events.makeAsyncIterator()
        guard case .active = await events.next() else {
            Issue.record("\(name): no handshake")
            return
        }
        raw.loop.execute { raw.send(bytes) }
        var goAway: Frame.GoAway?
        var closed = false
        while let e = await events.next() {
            switch e {
            case .frame(let f): if case .goAway(let g) = f.kind { goAway = g }
            case .closed: closed = true
            case .active: break
            }
        }
        #expect(closed, "\(name)")
        let g = try #require(goAway, "\(name): expected go-away")
        #expect(!g.reason.isEmpty)
        #expect(g.code == .invalidArgument || g.code == .resourceExhausted, "\(name): \(g.code)")
        // The other connection is unaffected.
        #expect(try await good.call(method: "test.v1.T/Health", payload: payload(9)).code == .ok, "\(name)")
        await h.shutdown()
    }
}
