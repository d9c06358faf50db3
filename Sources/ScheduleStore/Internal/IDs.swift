#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SchedulingCore
import Synchronization

/// Identifiers and tokens.
enum IDs {
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix` + a ULID-like 26-character id: 48-bit milliseconds then 80 random bits, so new
    /// ids sort by time (B-tree inserts stay local) and cannot collide in practice.
    static func make(_ prefix: String, now: Instant) -> String {
        var random = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &random) { RandomPool.shared.fill($0) }
        // Written into the string's one buffer: the prefix, then the 26 characters.
        let p = prefix.utf8.count
        return String(unsafeUninitializedCapacity: p + 26) { out in
            _ = out.initialize(from: prefix.utf8)
            var t = UInt64(max(0, now.unixMilliseconds)) & 0xFFFF_FFFF_FFFF
            for i in stride(from: p + 9, through: p, by: -1) {
                out[i] = crockford[Int(t & 31)]
                t >>= 5
            }
            var (r1, r2) = random
            for i in p + 10..<p + 22 {
                out[i] = crockford[Int(r1 & 31)]
                r1 >>= 5
            }
            for i in p + 22..<p + 26 {
                out[i] = crockford[Int(r2 & 31)]
                r2 >>= 5
            }
            return p + 26
        }
    }

    /// A 128-bit random lease token, hex.
    static func token() -> String {
        var random = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &random) { RandomPool.shared.fill($0) }
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for var v in [random.0, random.1] {
            for _ in 0..<16 {
                out.append(hex[Int(v & 15)])
                v >>= 4
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// FNV-1a 64 of `text`, hex: the request fingerprint behind idempotency keys.
    static func fingerprint(_ text: String) -> String {
        var f = FNV1a()
        f.add(text)
        return f.text
    }
}

/// FNV-1a 64, fed byte by byte: the hash behind request fingerprints.
struct FNV1a {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ b: UInt8) {
        h ^= UInt64(b)
        h = h &* 0x100_0000_01b3
    }

    mutating func add(_ s: String) {
        for b in s.utf8 { add(b) }
    }

    /// The hash as 16 hex digits.
    var text: String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// Bytes from the kernel's CSPRNG, fetched 4 KiB at a time. `SystemRandomNumberGenerator` makes
/// one `getrandom` call per 8 bytes: two per id, two per lease token, 4 % of the writer's time in
/// the enqueue benchmark. The bytes are the same quality, only fetched in bulk; each is handed out
/// once.
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct State {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var next = 4096
    }
    private let state = Mutex(State())

    func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        state.withLock { s in
            var written = 0
            while written < buffer.count {
                if s.next == s.bytes.count {
                    s.bytes.withUnsafeMutableBytes { Self.systemRandom($0) }
                    s.next = 0
                }
                let n = min(buffer.count - written, s.bytes.count - s.next)
                let range = s.next..<(s.next + n)
                s.bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[written...]).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
                s.next += n  // handed out once: the pool never goes back
                written += n
            }
        }
    }

    private static func systemRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        // glibc ≥ 2.36: getrandom(2) underneath, blocking only before the kernel pool is seeded.
        arc4random_buf(buffer.baseAddress!, buffer.count)
    }
}
