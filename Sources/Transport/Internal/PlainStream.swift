internal import CLinux
import Glibc

/// A plain (unencrypted) TCP connection this process opened, driven by one event loop: the
/// terminator's leg to the server it forwards to.
///
/// Confined to ``loop`` like ``Connection``: every method runs on the loop's thread.
final class PlainStream: Selectable {
    let fileDescriptor: Int32
    let loop: EventLoop
    /// The address the kernel gave this end (the source port the server sees).
    let localAddress: SocketAddress
    /// Bytes queued beyond this close the stream (the server stopped reading).
    private let maxPendingBytes: Int
    private var outbound: [UInt8] = []
    private var outboundOffset = 0
    private var wantsWritable = true
    private var connecting = true
    private var closed = false
    /// Bytes arrived from the server (loop thread).
    var onBytes: (([UInt8]) -> Void)?
    /// The stream is closing: called before the descriptor is closed (so its port is not reused
    /// while anyone still maps it), with the reason when it was not the server's orderly EOF.
    var onClose: (((any Error)?) -> Void)?

    private init(fd: Int32, loop: EventLoop, local: SocketAddress, maxPendingBytes: Int) {
        fileDescriptor = fd
        self.loop = loop
        localAddress = local
        self.maxPendingBytes = maxPendingBytes
    }

    /// Starts a non-blocking connect to `address` (loop thread) and registers with the loop. The
    /// source port is chosen by the connect call itself, so ``localAddress`` is known at once,
    /// before any byte is sent.
    static func connect(to address: SocketAddress, loop: EventLoop, maxPendingBytes: Int) throws(IOError) -> PlainStream
    {
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = try Sys.call("socket") {
            socket(
                family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do throws(IOError) {
            try Sys.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            let r = try address.withSockaddr { sa, len in Glibc.connect(fd, sa, len) }
            if r != 0 && errno != EINPROGRESS { throw IOError("connect \(address)", errno: errno) }
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = try withUnsafeMutablePointer(to: &storage) { p throws(IOError) in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp throws(IOError) in
                    try Sys.call("getsockname") { getsockname(fd, sp, &len) }
                }
            }
            guard let local = SocketAddress(storage: storage) else { throw IOError("getsockname", errno: EAFNOSUPPORT) }
            let stream = PlainStream(fd: fd, loop: loop, local: local, maxPendingBytes: maxPendingBytes)
            try loop.register(stream, writable: true)
            return stream
        } catch {
            Sys.close(fd)
            throw error
        }
    }

    /// Queues bytes for the server and sends what the socket takes now. Ignored after close.
    func send(_ bytes: [UInt8]) {
        guard !closed, !bytes.isEmpty else { return }
        if outboundOffset > 0 && outboundOffset >= outbound.count / 2 {
            outbound.removeFirst(outboundOffset)
            outboundOffset = 0
        }
        outbound += bytes
        guard !connecting else {
            if pendingBytes > maxPendingBytes {
                close(error: ConnectionError("the server is not reading: more than \(maxPendingBytes) bytes queued"))
            }
            return
        }
        flush()
    }

    /// Closes at once (queued bytes are dropped). `onClose` runs before the descriptor closes.
    func close(error: (any Error)? = nil) {
        guard !closed else { return }
        closed = true
        loop.deregister(self)
        outbound = []
        outboundOffset = 0
        let callback = onClose
        onClose = nil
        onBytes = nil
        callback?(error)
        Sys.close(fileDescriptor)
    }

    private var pendingBytes: Int { outbound.count - outboundOffset }

    // MARK: Selectable

    func readable() {
        guard !closed else { return }
        let buffer = loop.scratch
        while !closed {
            let n: Int?
            do {
                n = try Sys.nonBlocking("read") { read(fileDescriptor, buffer.baseAddress, buffer.count) }
            } catch {
                close(error: error)
                return
            }
            guard let n else { return }
            if n == 0 {
                close()
                return
            }
            onBytes?(Array(UnsafeRawBufferPointer(rebasing: buffer[0..<n])))
            if n < buffer.count { return }
        }
    }

    func writable() {
        guard !closed else { return }
        if connecting {
            var err: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fileDescriptor, SOL_SOCKET, SO_ERROR, &err, &len)
            if err != 0 {
                close(error: IOError("connect", errno: err))
                return
            }
            connecting = false
        }
        flush()
    }

    func hangup() {
        guard !closed else { return }
        readable()
        if !closed { close(error: ConnectionError("connection reset")) }
    }

    private func flush() {
        while outboundOffset < outbound.count {
            let written: Int?
            do {
                written = try outbound.withUnsafeBytes { p throws(IOError) in
                    try Sys.nonBlocking("send") {
                        Glibc.send(
                            fileDescriptor, p.baseAddress! + outboundOffset, p.count - outboundOffset,
                            Int32(MSG_NOSIGNAL))
                    }
                }
            } catch {
                close(error: error)
                return
            }
            guard let written else { break }
            outboundOffset += written
        }
        if outboundOffset == outbound.count {
            outbound.removeAll(keepingCapacity: outbound.count < 1 << 20)
            outboundOffset = 0
        }
        if pendingBytes > maxPendingBytes {
            close(error: ConnectionError("the server is not reading: more than \(maxPendingBytes) bytes queued"))
            return
        }
        let want = pendingBytes > 0
        if want != wantsWritable {
            wantsWritable = want
            loop.setWritableInterest(self, want)
        }
    }
}
