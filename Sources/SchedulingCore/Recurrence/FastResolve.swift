extension Zone {
    /// Seconds since the epoch of the instant a wall-clock time (seconds on the local clock since
    /// 1970-01-01T00:00:00) denotes, under the same RFC 5545 §3.3.5 rules as ``resolve(_:)``.
    ///
    /// The recurrence engine calls this for every candidate, so the common case (no offset change
    /// within a day either side) costs one table look-up and allocates nothing; only candidates
    /// near a transition take the general path.
    func resolveLocalSeconds(_ local: Int64) -> Int64 {
        // Offsets lie within ±26 h, so a constant offset over this window makes the mapping linear.
        if let offset = constantOffset(from: local - 93_600, through: local + 93_600) {
            return local - offset
        }
        return resolve(LocalDateTime(secondsSinceLocalEpoch: local)).instant.unixSeconds
    }

    /// The UTC offset in force at every instant of `[from, through]` (Unix seconds) when no
    /// local time type change falls in that range; nil when one does (or the range straddles the
    /// end of the transition table), in which case callers take the general path.
    ///
    /// Same answers as ``type(at:)``, but allocation-free: one binary search in the table, or
    /// the footer's rule evaluated for the few years concerned.
    func constantOffset(from a: Int64, through b: Int64) -> Int64? {
        let tr = data.transitions
        if let tableEnd = tr.last, b < tableEnd {
            if b < tr[0] { return Int64(data.types[data.initialType].utcOffset) }
            if a < tr[0] { return nil }
            // Last index with tr[i] <= a; tr[i + 1] exists because a <= b < tableEnd.
            var lo = 0
            var hi = tr.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) >> 1
                if tr[mid] <= a { lo = mid } else { hi = mid - 1 }
            }
            if tr[lo + 1] <= b { return nil }
            return Int64(data.types[Int(data.transitionTypes[lo])].utcOffset)
        }
        if let tableEnd = tr.last, a < tableEnd { return nil }
        guard let footer = data.footer else {
            let index = tr.isEmpty ? data.initialType : Int(data.transitionTypes[tr.count - 1])
            return Int64(data.types[index].utcOffset)
        }
        if footer.daylight != nil {
            let firstYear = LocalDateTime(secondsSinceLocalEpoch: a).year - 1
            let lastYear = LocalDateTime(secondsSinceLocalEpoch: b).year + 1
            for year in firstYear...lastYear {
                guard let t = footer.transitions(year: year) else { continue }
                if (t.start > a && t.start <= b) || (t.end > a && t.end <= b) { return nil }
            }
        }
        return Int64(footer.type(at: a).utcOffset)
    }
}

/// Floor division for Int64 (rounds towards negative infinity).
@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Ceiling division for Int64.
@inline(__always)
func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
    -floorDiv(-a, b)
}
