/// Parsed contents of one TZif file (RFC 8536): the transition table and the POSIX TZ footer.
struct TZifData: Sendable {
    /// One local time type: offset, DST flag and abbreviation as tzdata spells it.
    struct TimeType: Sendable, Hashable {
        var utcOffset: Int32
        var isDST: Bool
        var abbreviation: String
    }

    /// Transition instants (Unix seconds, ascending).
    var transitions: [Int64]
    /// Index into `types` for each transition.
    var transitionTypes: [UInt8]
    var types: [TimeType]
    /// The type in force before the first transition.
    var initialType: Int
    /// Rule for instants after the last transition (v2+ files).
    var footer: PosixTZ?
}

/// Why a file could not be read as TZif.
struct TZifError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

extension TZifData {
    /// Parses TZif version 1, 2, 3 or 4 bytes, preferring the 64-bit block when present.
    static func parse(_ bytes: [UInt8]) throws -> TZifData {
        var reader = ByteReader(bytes: bytes)
        let header1 = try Header(&reader)
        if header1.version >= 2 {
            // Skip the v1 data block; the 64-bit block that follows is authoritative.
            try reader.skip(header1.dataLength(timeSize: 4))
            let header2 = try Header(&reader)
            var data = try parseBlock(&reader, header2, timeSize: 8)
            // Footer: "\n" TZ-string "\n"
            if reader.remaining > 0 {
                guard try reader.u8() == 0x0A else { throw TZifError(reason: "bad footer") }
                var footerBytes: [UInt8] = []
                while reader.remaining > 0 {
                    let b = try reader.u8()
                    if b == 0x0A { break }
                    footerBytes.append(b)
                }
                if !footerBytes.isEmpty {
                    data.footer = try PosixTZ.parse(String(decoding: footerBytes, as: UTF8.self))
                }
            }
            return data
        }
        return try parseBlock(&reader, header1, timeSize: 4)
    }

    private struct Header {
        var version: Int
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int

        init(_ r: inout ByteReader) throws {
            guard try r.u8() == 0x54, try r.u8() == 0x5A, try r.u8() == 0x69, try r.u8() == 0x66 else {
                throw TZifError(reason: "not a TZif file")
            }
            let v = try r.u8()
            version = v == 0 ? 1 : Int(v) - 0x30
            try r.skip(15)
            isutcnt = Int(try r.u32())
            isstdcnt = Int(try r.u32())
            leapcnt = Int(try r.u32())
            timecnt = Int(try r.u32())
            typecnt = Int(try r.u32())
            charcnt = Int(try r.u32())
            guard typecnt > 0, typecnt <= 256, timecnt <= 100_000, charcnt <= 10_000, leapcnt <= 10_000 else {
                throw TZifError(reason: "implausible TZif header counts")
            }
        }

        func dataLength(timeSize: Int) -> Int {
            timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt
        }
    }

    private static func parseBlock(_ r: inout ByteReader, _ h: Header, timeSize: Int) throws -> TZifData {
        var transitions: [Int64] = []
        transitions.reserveCapacity(h.timecnt)
        for _ in 0..<h.timecnt {
            transitions.append(timeSize == 8 ? Int64(bitPattern: try r.u64()) : Int64(Int32(bitPattern: try r.u32())))
        }
        var indices: [UInt8] = []
        for _ in 0..<h.timecnt {
            let i = try r.u8()
            guard Int(i) < h.typecnt else { throw TZifError(reason: "transition type out of range") }
            indices.append(i)
        }
        var raw: [(Int32, Bool, Int)] = []
        for _ in 0..<h.typecnt {
            let off = Int32(bitPattern: try r.u32())
            let dst = try r.u8() != 0
            let idx = Int(try r.u8())
            raw.append((off, dst, idx))
        }
        let chars = Array(try r.bytes(h.charcnt))
        try r.skip(h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt)
        let types = raw.map { off, dst, idx -> TimeType in
            var end = idx
            while end < chars.count, chars[end] != 0 { end += 1 }
            let abbr = idx < chars.count ? String(decoding: chars[idx..<end], as: UTF8.self) : ""
            return TimeType(utcOffset: off, isDST: dst, abbreviation: abbr)
        }
        // RFC 8536 §3.2: the type before the first transition is type 0.
        return TZifData(transitions: transitions, transitionTypes: indices, types: types, initialType: 0, footer: nil)
    }
}

private struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var remaining: Int { bytes.count - position }

    mutating func u8() throws -> UInt8 {
        guard position < bytes.count else { throw TZifError(reason: "truncated TZif file") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw TZifError(reason: "truncated TZif file") }
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    mutating func u64() throws -> UInt64 {
        UInt64(try u32()) << 32 | UInt64(try u32())
    }

    mutating func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else { throw TZifError(reason: "truncated TZif file") }
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    mutating func skip(_ n: Int) throws {
        guard n >= 0, remaining >= n else { throw TZifError(reason: "truncated TZif file") }
        position += n
    }
}
