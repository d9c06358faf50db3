import Foundation
import Synchronization
import TLS
import TestSupport
import Testing
@testable import Transport

typealias PKI = TestPKI

/// Echoes every byte back.
final class Echo: ConnectionDelegate {
    func connectionDidBecomeActive(_ connection: Connection) {}
    func connection(_ connection: Connection, didReceive bytes: [UInt8]) { connection.send(bytes) }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {}
}

/// Sends `payload` bytes of data as soon as active, never reads (for the slow-reader test).
final class Flood: ConnectionDelegate {
    let closed: AsyncStream<String>.Continuation
    init(closed: AsyncStream<String>.Continuation) { self.closed = closed }
    func connectionDidBecomeActive(_ connection: Connection) {
        let chunk = [UInt8](repeating: 0x42, count: 1 << 20)
        for _ in 0..<64 where connection.isActive { connection.send(chunk) }
    }
    func connection(_ connection: Connection, didReceive bytes: [UInt8]) {}
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        closed.yield(error.map { "\($0)" } ?? "clean")
    }
}

/// Records what a client connection sees.
final class Recorder: ConnectionDelegate, @unchecked Sendable {
    // Touched only on the connection's loop; the streams are thread-safe.
    enum Event: Sendable, Equatable { case active(String?), data([UInt8]), closed(String?) }
    let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation

    init() {
        (events, sink) = AsyncStream.makeStream()
    }

    func connectionDidBecomeActive(_ connection: Connection) { sink.yield(.active(connection.negotiatedProtocol)) }
    func connection(_ connection: Connection, didReceive bytes: [UInt8]) { sink.yield(.data(bytes)) }
    func connectionDidClose(_ connection: Connection, error: (any Error)?) {
        sink.yield(.closed(error.map { "\($0)" }))
        sink.finish()
    }
}

extension AsyncStream where Element == Recorder.Event {
    /// Collects received bytes until `count` have arrived.
    func bytes(count: Int) async -> [UInt8] {
        var out: [UInt8] = []
        for await e in self {
            if case .data(let d) = e { out += d }
            if out.count >= count { break }
        }
        return out
    }
}

/// The event mask `loop` has registered for `fd`, read from the kernel (/proc/self/fdinfo of the
/// epoll descriptor: lines "tfd: <fd> events: <hex mask> …").
func epollEvents(loop: EventLoop, fd: Int32) -> UInt32? {
    guard let info = try? String(contentsOfFile: "/proc/self/fdinfo/\(loop.epfd)", encoding: .utf8) else { return nil }
    for line in info.split(separator: "\n") where line.hasPrefix("tfd:") {
        let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard f.count >= 4, f[1] == "\(fd)", f[2] == "events:" else { continue }
        return UInt32(f[3], radix: 16)
    }
    return nil
}

@Suite("Transport over loopback", .timeLimit(.minutes(3)))
struct TransportTests {
    @Test("echo over TLS on IPv4 and IPv6", arguments: ["127.0.0.1", "::1"])
    func echo(_ host: String) async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 2)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        let listener = try Listener(address: SocketAddress(host: host, port: 0), group: group, context: { ctx }) { _ in Echo() }
        defer { listener.close() }
        #expect(listener.localAddress.port > 0)
        // The bound address as getsockname gave it, written out by inet_ntop.
        #expect(listener.localAddress.host == host)
        let recorder = Recorder()
        let client = try Connection.connect(to: listener.localAddress, context: pki.clientContext(serverName: host), loop: group.loops[1]) { _ in recorder }
        var iterator = recorder.events.makeAsyncIterator()
        #expect(await iterator.next() == .active("scheduler/1"))
        let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        client.loop.execute { client.send(payload) }
        var received: [UInt8] = []
        while received.count < payload.count, let e = await iterator.next() {
            if case .data(let d) = e { received += d }
        }
        #expect(received == payload)
        // Everything was sent, so the client's socket is no longer registered for EPOLLOUT: being
        // level-triggered (0x004 = EPOLLOUT), it would wake the loop on every pass (it once stayed
        // registered from the connect on).
        let events = await withCheckedContinuation { c in
            client.loop.execute { c.resume(returning: epollEvents(loop: client.loop, fd: client.fileDescriptor)) }
        }
        #expect(events.map { $0 & 0x004 } == 0, "registered events \(String(describing: events))")
        client.loop.execute { client.close() }
        #expect(await iterator.next() == .closed(nil))
    }

    @Test("a plain TCP client that never handshakes is dropped after the handshake timeout")
    func handshakeTimeout() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.handshakeTimeoutMilliseconds = 100
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits) { _ in Echo() }
        defer { listener.close() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(listener.localAddress.port).bigEndian)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(r == 0)
        // A blocking read returns 0 (EOF) once the server gives up on the handshake.
        var byte: UInt8 = 0
        let n = read(fd, &byte, 1)
        #expect(n == 0)
    }

    @Test("connections beyond the maximum are refused; others keep working")
    func maxConnections() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, maxConnections: 2) { _ in Echo() }
        defer { listener.close() }
        let clientCtx = try pki.clientContext()
        var recorders: [Recorder] = []
        var connections: [Connection] = []
        for _ in 0..<2 {
            let r = Recorder()
            connections.append(try Connection.connect(to: listener.localAddress, context: clientCtx, loop: group.loops[0]) { _ in r })
            var it = r.events.makeAsyncIterator()
            #expect(await it.next() == .active("scheduler/1"))
            recorders.append(r)
        }
        let third = Recorder()
        _ = try Connection.connect(to: listener.localAddress, context: clientCtx, loop: group.loops[0]) { _ in third }
        var it3 = third.events.makeAsyncIterator()
        let e = await it3.next()
        guard case .closed(let reason) = e else {
            Issue.record("expected the third connection to be closed, got \(String(describing: e))")
            return
        }
        #expect(reason != nil)
        #expect(listener.refusedCount == 1)
        // The first connection still echoes.
        let c = connections[0]
        c.loop.execute { c.send([1, 2, 3]) }
        var it1 = recorders[0].events.makeAsyncIterator()
        var got: [UInt8] = []
        while got.count < 3, let ev = await it1.next() { if case .data(let d) = ev { got += d } }
        #expect(got == [1, 2, 3])
    }

    @Test("a connection keeps its TLS record buffers while busy and releases them once quiet")
    func recordBuffersReleasedWhenQuiet() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.releaseBuffersAfterMilliseconds = 400
        let serverSide = Mutex<Connection?>(nil)
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits) { c in
            serverSide.withLock { $0 = c }
            return Echo()
        }
        defer { listener.close() }
        let recorder = Recorder()
        let client = try Connection.connect(
            to: listener.localAddress, context: pki.clientContext(), loop: group.loops[0], limits: limits) { _ in recorder }
        var it = recorder.events.makeAsyncIterator()
        #expect(await it.next() == .active("scheduler/1"))
        @Sendable func holds(_ c: Connection) async -> Bool {
            await withCheckedContinuation { k in c.loop.execute { k.resume(returning: c.holdsTLSBuffers) } }
        }
        for round in 0..<2 {
            let message: [UInt8] = [1, 2, UInt8(round)]
            client.loop.execute { client.send(message) }
            var got: [UInt8] = []
            while got.count < 3, let e = await it.next() { if case .data(let d) = e { got += d } }
            #expect(got == message)
            let server = try #require(serverSide.withLock { $0 })
            // Just used: both ends keep them (they are not freed after every record)…
            #expect(await holds(client))
            #expect(await holds(server))
            // …and both give them back once the connection has been quiet for 400 ms.
            let released = await eventually(timeout: .seconds(20)) {
                let clientHolds = await holds(client)
                let serverHolds = await holds(server)
                return !clientHolds && !serverHolds
            }
            #expect(released)
        }
        client.loop.execute { client.close() }
    }

    @Test("a slow reader is disconnected when unsent output passes the bound")
    func slowReader() async throws {
        let pki = try PKI()
        let group = try EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let ctx = try pki.serverContext()
        var limits = ConnectionLimits()
        limits.maxPendingOutputBytes = 1 << 20
        let (closedStream, closedSink) = AsyncStream<String>.makeStream()
        let listener = try Listener(address: SocketAddress(host: "127.0.0.1", port: 0), group: group, context: { ctx }, limits: limits) { _ in Flood(closed: closedSink) }
        defer { listener.close() }
        // A TLS client driven by hand on a blocking socket: it completes the handshake, then never reads.
        let (fd, _) = try handshakeByHand(port: listener.localAddress.port, context: pki.clientContext())
        defer { close(fd) }
        var it = closedStream.makeAsyncIterator()
        let reason = await it.next()
        #expect(reason?.contains("slow reader") == true)
    }

    @Test("an event loop's thread carries the loop's name, cut to the kernel's 15 bytes")
    func loopThreadsAreNamed() throws {
        let named = try EventLoop(name: "loop-named-test")
        let long = try EventLoop(name: "a-loop-with-a-long-name")
        named.start()
        long.start()
        defer {
            named.shutdown()
            long.shutdown()
        }
        // The loop names its thread as it starts running: a job it ran has seen the name set.
        let ran = DispatchSemaphore(value: 0)
        named.execute { ran.signal() }
        long.execute { ran.signal() }
        ran.wait()
        ran.wait()
        let names = threadNamesOfThisProcess()
        #expect(names.contains("loop-named-test"), "\(names.sorted())")
        #expect(names.contains("a-loop-with-a-l"), "\(names.sorted())")
    }

    @Test("a task that prefers an event loop runs its jobs on the loop's thread, also after awaiting elsewhere")
    func loopAsTaskExecutor() async throws {
        let loop = try EventLoop(name: "test-executor")
        loop.start()
        defer { loop.shutdown() }
        let onLoop = await Task(executorPreference: loop) { () async -> [Bool] in
            let first = loop.inEventLoop
            // Resumed by another thread: the continuation's job comes back to the loop.
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread { c.resume() }
            }
            let afterResume = loop.inEventLoop
            try? await Task.sleep(for: .milliseconds(5))
            return [first, afterResume, loop.inEventLoop]
        }.value
        #expect(onLoop == [true, true, true])
        #expect(!loop.inEventLoop)
    }

    @Test("a task a timer queues on its own loop runs at once, not at the next I/O event")
    func timerQueuedTaskRunsPromptly() async throws {
        let loop = try EventLoop(name: "test-timer-execute")
        loop.start()
        defer { loop.shutdown() }
        // Both instants are taken on the loop's thread, so a busy test process (the cooperative
        // pool resuming this test late) cannot blur what is measured.
        let waited = await withCheckedContinuation { (c: CheckedContinuation<Duration, Never>) in
            loop.execute {
                loop.schedule(afterMilliseconds: 0) {
                    let queued = ContinuousClock.now
                    // On the loop's thread `execute` does not write the wake-up descriptor.
                    loop.execute { c.resume(returning: ContinuousClock.now - queued) }
                }
                // Were the task left waiting, only this later timer would wake the loop.
                loop.schedule(afterMilliseconds: 3_000) {}
            }
        }
        #expect(waited < .milliseconds(1_500))
    }

    @Test("addresses parse with clear errors")
    func addresses() throws {
        #expect(try SocketAddress.parse("127.0.0.1:7443") == SocketAddress(host: "127.0.0.1", port: 7443))
        #expect(try SocketAddress.parse("[::1]:7443") == SocketAddress(host: "::1", port: 7443))
        #expect(try SocketAddress.parse("localhost:1") == SocketAddress(host: "127.0.0.1", port: 1))
        #expect(throws: AddressError.self) { try SocketAddress.parse("127.0.0.1") }
        #expect(throws: AddressError.self) { try SocketAddress.parse("127.0.0.1:70000") }
        #expect(throws: AddressError.self) { try SocketAddress.parse("example.com:80") }
    }
}

/// Connects a blocking socket and completes a TLS handshake with a sans-I/O session.
func handshakeByHand(port: Int, context: TLSContext) throws -> (Int32, TLSSession) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET)
    a.sin_port = in_port_t(UInt16(port).bigEndian)
    a.sin_addr.s_addr = inet_addr("127.0.0.1")
    let r = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard r == 0 else { throw IOError("connect", errno: errno) }
    let session = try TLSSession(context: context)
    _ = try session.readPlaintext()
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while session.state == .handshaking {
        let out = session.takeCiphertext()
        if !out.isEmpty { _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw IOError("read", errno: errno) }
        session.receive(ciphertext: Array(buffer[0..<n]))
        _ = try session.readPlaintext()
    }
    let out = session.takeCiphertext()
    if !out.isEmpty { _ = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
    return (fd, session)
}
