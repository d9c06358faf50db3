import Dispatch
import Foundation
import Glibc
import Synchronization

/// A TCP forwarder on 127.0.0.1 (ephemeral port) to a target on loopback: a network between a
/// client and its server that a test can cut. ``down`` breaks every forwarded connection and
/// makes new ones close at once (the server looks gone); ``up`` forwards again.
///
/// A thread accepts; each connection gets two threads copying bytes, one per direction. Call
/// ``stop()`` once the test is done.
public final class TCPForwarder: Sendable {
    public let port: Int
    private let targetPort: UInt16
    private let listenFD: Int32
    private let state = Mutex<(down: Bool, stopped: Bool, sockets: Set<Int32>)>((false, false, []))
    private let finished = DispatchSemaphore(value: 0)

    /// Forwards 127.0.0.1:``port`` to 127.0.0.1:`targetPort`.
    public init(targetPort: Int) throws {
        self.targetPort = UInt16(targetPort)
        let (fd, boundPort) = try LoopbackListener.open(backlog: 64)
        listenFD = fd
        port = boundPort
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "tcp-forwarder"
        thread.start()
    }


    /// Breaks every forwarded connection; new ones are closed as soon as they are accepted.
    public func down() {
        let sockets = state.withLock { s -> Set<Int32> in
            s.down = true
            return s.sockets
        }
        for fd in sockets { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Forwards new connections again.
    public func up() { state.withLock { $0.down = false } }

    /// Stops accepting, breaks every connection and waits for the accepting thread.
    public func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        down()
        shutdown(listenFD, Int32(SHUT_RDWR))
        finished.wait()
        close(listenFD)
    }

    private func acceptLoop() {
        defer { finished.signal() }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let (down, stopped) = state.withLock { ($0.down, $0.stopped) }
            if stopped { close(client); return }
            if down { close(client); continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var addr = LoopbackListener.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard server >= 0, connected == 0 else {
                if server >= 0 { close(server) }
                close(client)
                continue
            }
            state.withLock { $0.sockets.formUnion([client, server]) }
            let pair = DispatchGroup()
            for (from, to) in [(client, server), (server, client)] {
                pair.enter()
                let t = Thread { [self] in
                    pump(from: from, to: to)
                    pair.leave()
                }
                t.start()
            }
            let closer = Thread { [self] in
                pair.wait()
                state.withLock { $0.sockets.subtract([client, server]) }
                close(client)
                close(server)
            }
            closer.start()
        }
    }

    /// Copies bytes until either side ends; then ends both directions.
    private func pump(from: Int32, to: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        loop: while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let m = buffer.withUnsafeBytes { send(to, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                if m < 0 && errno == EINTR { continue }
                if m <= 0 { break loop }
                sent += m
            }
        }
        shutdown(from, Int32(SHUT_RDWR))
        shutdown(to, Int32(SHUT_RDWR))
    }
}
