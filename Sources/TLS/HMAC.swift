internal import COpenSSL

/// HMAC-SHA256 (RFC 2104) by OpenSSL: the signature of webhook bodies.
public enum HMACSHA256 {
    /// The 32-byte MAC of `message` under `key`.
    public static func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                out.withUnsafeMutableBufferPointer { o in
                    // A zero-length key or message is valid; OpenSSL wants non-null pointers.
                    let kp = k.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(bitPattern: 1)!
                    let mp = m.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    return HMAC(EVP_sha256(), kp, Int32(k.count), mp, m.count, o.baseAddress, &length) != nil
                }
            }
        }
        // HMAC with SHA-256 fails only when OpenSSL cannot allocate: nothing sensible to return.
        precondition(ok && length == 32, "HMAC-SHA256 failed")
        return Array(out.prefix(32))
    }

    /// The MAC as lowercase hex (64 characters).
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in mac(key: key, message: message) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
