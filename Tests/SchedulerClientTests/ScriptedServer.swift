import Foundation
import Synchronization
import SchedulerClient
import TLS
import TestSupport
import Transport
import WireProtocol

/// A TLS server on 127.0.0.1 (ephemeral port, ALPN `scheduler/1`) that speaks only the framing:
/// it records every frame it receives and answers a request only when `reply` returns a response
/// (nil: holds it; ``answerHeld(with:)`` answers the held requests later, at the test's word).
/// For what a real server will not do on demand: hang, or answer oddly.
final class ScriptedServer: Sendable {
    let pki: TestPKI
    let group: EventLoopGroup
    let listener: Listener
    /// Every frame received, in order, from every connection.
    let frames: AsyncStream<Frame>
    private let received = Received()

    private final class Received: Sendable {
        let frames = Mutex<[Frame]>([])
        /// Requests `reply` did not answer: their connection and call id.
        let held = Mutex<[(Connection, UInt64)]>([])
    }

    init(reply: @escaping @Sendable (Frame.Request) -> Frame.Response? = { _ in nil }) throws {
        pki = try TestPKI(name: "scripted")
        group = try EventLoopGroup(count: 1)
        let (frames, sink) = AsyncStream<Frame>.makeStream()
        self.frames = frames
        let context = try pki.serverContext()
        let received = self.received
        listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { context }) { _ in
            FrameRecorder { frame, connection in
                received.frames.withLock { $0.append(frame) }
                sink.yield(frame)
                guard case .request(let r) = frame.kind else { return nil }
                guard let response = reply(r) else {
                    received.held.withLock { $0.append((connection, frame.callID)) }
                    return nil
                }
                return Frame(callID: frame.callID, kind: .response(response))
            }
        }
    }

    /// The frames received so far.
    var receivedFrames: [Frame] { received.frames.withLock { $0 } }
    /// The requests received so far.
    var requests: [Frame.Request] {
        receivedFrames.compactMap { if case .request(let r) = $0.kind { r } else { nil } }
    }

    /// Answers every request held so far with `response`; returns how many.
    @discardableResult
    func answerHeld(with response: Frame.Response) -> Int {
        let held = received.held.withLock { h in
            defer { h = [] }
            return h
        }
        for (connection, callID) in held {
            guard let bytes = try? FrameEncoder().encode(Frame(callID: callID, kind: .response(response))) else { continue }
            connection.loop.execute { connection.send(bytes) }
        }
        return held.count
    }

    /// A client of this server.
    func client(retries: Int = 4) throws -> SchedulerClient {
        var config = SchedulerClientConfiguration(address: "\(listener.localAddress)", caFile: pki.caFile)
        config.retry.maxAttempts = retries
        config.retry.initialBackoff = .milliseconds(5)
        return try SchedulerClient(configuration: config)
    }

    func shutdown() {
        listener.close()
        group.shutdown()
        pki.cleanup()
    }
}

/// Decodes the frames of one connection and hands each to `handle`, sending what it returns.
/// Only touched on the connection's loop.
private final class FrameRecorder: ConnectionDelegate {
    private var decoder = FrameDecoder()
    private let handle: (Frame, Connection) -> Frame?

    init(_ handle: @escaping (Frame, Connection) -> Frame?) { self.handle = handle }

    func connectionDidBecomeActive(_ connection: Connection) {}

    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {
        do {
            try decoder.append(bytes)
        } catch {
            connection.close(error: error)
            return
        }
        while let frame = decoder.nextFrame() {
            if let answer = handle(frame, connection), let bytes = try? FrameEncoder().encode(answer) { connection.send(bytes) }
        }
    }

    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}
