internal import CLinux
#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: the function and errno, captured at once.
public struct IOError: Error, Hashable, Sendable, CustomStringConvertible {
    public var function: String
    public var errno: Int32

    public init(_ function: String, errno: Int32) {
        self.function = function
        self.errno = errno
    }

    public var description: String { "\(function): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// Every system call the transport makes goes through here: EINTR is retried in one place and
/// errno is read immediately after the call.
enum Sys {
    @inline(__always)
    static func call<T: BinaryInteger>(_ name: String, _ body: () -> T) throws(IOError) -> T {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = Glibc.errno
            if e == EINTR { continue }
            throw IOError(name, errno: e)
        }
    }

    /// Like `call`, but EAGAIN/EWOULDBLOCK returns nil instead of throwing.
    @inline(__always)
    static func nonBlocking<T: BinaryInteger>(_ name: String, _ body: () -> T) throws(IOError) -> T? {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = Glibc.errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return nil }
            throw IOError(name, errno: e)
        }
    }

    static func close(_ fd: Int32) {
        // close() must not be retried on EINTR on Linux: the descriptor is already released.
        _ = Glibc.close(fd)
    }

    static func setNonBlocking(_ fd: Int32) throws(IOError) {
        let flags = try call("fcntl(F_GETFL)") { fcntl(fd, F_GETFL, 0) }
        _ = try call("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) throws(IOError) {
        var v = value
        _ = try call("setsockopt") { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) }
    }

    /// Returns free heap memory to the kernel (jemalloc's purge when it is the allocator, as in
    /// schedulerd; glibc's `malloc_trim(0)`): after many connections close, their freed blocks
    /// stay mapped in the allocator's arenas until then.
    static func trimHeap() {
        clinux_trim_heap()
    }

    /// Monotonic milliseconds, for timers and timeouts.
    static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
