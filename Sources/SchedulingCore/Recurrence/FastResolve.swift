extension Zone {
    /// Seconds since the epoch of the instant a wall-clock time (seconds on the local clock since
    /// 1970-01-01T00:00:00) denotes, under the same RFC 5545 §3.3.5 rules as ``resolve(_:)``.
    ///
    /// The recurrence engine calls this for every candidate, so the common case (no offset change
    /// within a day either side) costs two table look-ups and allocates nothing; only candidates
    /// near a transition take the general path.
    func resolveLocalSeconds(_ local: Int64) -> Int64 {
        // Offsets lie within ±26 h, so no transition in this window means the mapping is linear.
        let windowStart = local - 93_600
        let offset = Int64(type(at: windowStart).utcOffset)
        if let change = nextOffsetChange(after: windowStart), change <= local + 93_600 {
            return resolve(LocalDateTime(secondsSinceLocalEpoch: local)).instant.unixSeconds
        }
        return local - offset
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
