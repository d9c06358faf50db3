/// Field validation shared by the messages. Every failure is INVALID_ARGUMENT naming the field.
extension ProtoReader {
    /// A required id: non-empty, at most ``Limits/maxIDBytes``.
    func requiredID(_ name: String) throws(RPCError) -> String {
        let s = string(name)
        guard !s.isEmpty else { throw invalid(name, "required") }
        guard s.utf8.count <= Limits.maxIDBytes else { throw invalid(name, "longer than \(Limits.maxIDBytes) bytes") }
        return s
    }

    /// An optional id ("" = unset), at most ``Limits/maxIDBytes``.
    func optionalID(_ name: String) throws(RPCError) -> String {
        let s = string(name)
        guard s.utf8.count <= Limits.maxIDBytes else { throw invalid(name, "longer than \(Limits.maxIDBytes) bytes") }
        return s
    }

    /// Free text of at most `max` bytes.
    func text(_ name: String, max: Int = Limits.maxTextBytes) throws(RPCError) -> String {
        let s = string(name)
        guard s.utf8.count <= max else { throw invalid(name, "longer than \(max) bytes") }
        return s
    }

    /// A required free text.
    func requiredText(_ name: String, max: Int = Limits.maxTextBytes) throws(RPCError) -> String {
        let s = try text(name, max: max)
        guard !s.isEmpty else { throw invalid(name, "required") }
        return s
    }

    /// A local wall-clock time "YYYY-MM-DDTHH:MM:SS", or "" when unset.
    func localTime(_ name: String) throws(RPCError) -> String {
        let s = string(name)
        guard s.isEmpty || Validation.isLocalTime(s) else {
            throw invalid(name, "must be a local time YYYY-MM-DDTHH:MM:SS")
        }
        return s
    }

    /// An IANA zone name (syntax only; existence is the server's check), or "" when unset.
    func zone(_ name: String) throws(RPCError) -> String {
        let s = string(name)
        guard s.isEmpty || Validation.isZoneName(s) else { throw invalid(name, "not a time zone name") }
        return s
    }

    /// Platform ids: each non-empty (≤ 64 bytes), at most ``Limits/maxPlatforms``, at least one if `required`.
    func platforms(_ name: String, required: Bool) throws(RPCError) -> [String] {
        let list = try strings(name, max: Limits.maxPlatforms)
        if required && list.isEmpty { throw invalid(name, "at least one platform required") }
        for (i, p) in list.enumerated() {
            if p.isEmpty { throw invalid("\(name)[\(i)]", "empty") }
            if p.utf8.count > 64 { throw invalid("\(name)[\(i)]", "longer than 64 bytes") }
        }
        return list
    }

    /// Ids for a batch call: 1...``Limits/maxBatchIDs``, each a valid id.
    func batchIDs(_ name: String) throws(RPCError) -> [String] {
        let list = try strings(name, max: Limits.maxBatchIDs)
        if list.isEmpty { throw invalid(name, "at least one id required") }
        for (i, id) in list.enumerated() {
            if id.isEmpty { throw invalid("\(name)[\(i)]", "empty") }
            if id.utf8.count > Limits.maxIDBytes {
                throw invalid("\(name)[\(i)]", "longer than \(Limits.maxIDBytes) bytes")
            }
        }
        return list
    }

    /// An int32 in `range`, or 0 (meaning "default") when `zeroAllowed`.
    func int32(_ name: String, in range: ClosedRange<Int32>, zeroAllowed: Bool = true) throws(RPCError) -> Int32 {
        let v = int32(name)
        if v == 0 && zeroAllowed { return 0 }
        guard range.contains(v) else { throw invalid(name, "must be \(range.lowerBound)–\(range.upperBound)") }
        return v
    }

    /// An instant in Unix ms within ``Limits/supportedInstantMilliseconds`` (years 1900–9999;
    /// before 1970 is negative), or 0 = unset.
    func instant(_ name: String) throws(RPCError) -> Int64 {
        let v = int64(name)
        guard v == 0 || Limits.supportedInstantMilliseconds.contains(v) else {
            throw invalid(name, "outside the supported range (years 1900–9999)")
        }
        return v
    }
}

enum Validation {
    /// "YYYY-MM-DDTHH:MM:SS" with month 1–12, day 1–31, hour 0–23, minute and second 0–59.
    static func isLocalTime(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":")
        else { return false }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13),
            let mi = num(14..<16), let se = num(17..<19)
        else { return false }
        return y >= 1 && (1...12).contains(mo) && (1...31).contains(d) && h <= 23 && mi <= 59 && se <= 59
    }

    /// Letters, digits and "/_+-", 1–64 bytes, no "." path parts (e.g. "America/New_York", "UTC", "Etc/GMT+5").
    static func isZoneName(_ s: String) -> Bool {
        guard (1...64).contains(s.utf8.count), !s.hasPrefix("/"), !s.hasSuffix("/") else { return false }
        return s.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "/")
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
        }
    }
}
