#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One store per database file: an exclusive `flock` on `PATH.lock`, held while the store is open.
///
/// The writer keeps state in memory that must match the table (the occupancy index behind the
/// conflict counts), so a second process writing the same file would make the first one's
/// conflict checks miss its schedules. The second store is refused instead. The kernel drops the
/// lock when the process dies, so a crash never leaves the file locked. The file holds the owner's
/// pid, for the error message only.
final class OwnerLock: Sendable {
    let path: String
    private let fd: Int32

    init(databasePath: String) throws(StoreError) {
        path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = errno
            throw StoreError(
                code: e == ENOSPC ? .resourceExhausted : .internal,
                message: "cannot open the lock file \(path): \(String(cString: strerror(e)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            let owner = Self.readOwner(fd)
            close(fd)
            if e == EWOULDBLOCK {
                throw StoreError(
                    code: .unavailable,
                    message: "the database \(databasePath) is open in another store"
                        + (owner.map { " (process \($0))" } ?? "")
                        + "; one server per database file")
            }
            throw StoreError(code: .internal, message: "cannot lock \(path): \(String(cString: strerror(e)))")
        }
        self.fd = fd
        // Best effort: the pid is only for the message a second opener shows.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
    }

    private static func readOwner(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return buffer[..<n].split(separator: UInt8(ascii: "\n")).first.flatMap { Int(String(decoding: $0, as: UTF8.self)) }
    }

    /// Releases the lock (closing the descriptor drops it). The file stays: removing it could
    /// race with another opener that already has it open.
    func release() {
        close(fd)
    }
}
