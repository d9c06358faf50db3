import SchedulingCore

/// Identifiers and tokens.
enum IDs {
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// `prefix` + a ULID-like 26-character id: 48-bit milliseconds then 80 random bits, so new
    /// ids sort by time (B-tree inserts stay local) and cannot collide in practice.
    static func make(_ prefix: String, now: Instant) -> String {
        var rng = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: 26)
        var t = UInt64(max(0, now.unixMilliseconds)) & 0xFFFF_FFFF_FFFF
        for i in stride(from: 9, through: 0, by: -1) {
            out[i] = crockford[Int(t & 31)]
            t >>= 5
        }
        var r1 = rng.next() as UInt64
        var r2 = rng.next() as UInt64
        for i in 10..<22 {
            out[i] = crockford[Int(r1 & 31)]
            r1 >>= 5
        }
        for i in 22..<26 {
            out[i] = crockford[Int(r2 & 31)]
            r2 >>= 5
        }
        return prefix + String(decoding: out, as: UTF8.self)
    }

    /// A 128-bit random lease token, hex.
    static func token() -> String {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for _ in 0..<2 {
            var v = rng.next() as UInt64
            for _ in 0..<16 {
                out.append(hex[Int(v & 15)])
                v >>= 4
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// FNV-1a 64 of `text`, hex: the request fingerprint behind idempotency keys.
    static func fingerprint(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
