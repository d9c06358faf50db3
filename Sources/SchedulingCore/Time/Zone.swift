/// An IANA time zone read from the system's tzdata (TZif files).
///
/// Immutable once loaded; obtain zones from ``TimeZoneDatabase`` (which caches them).
/// All answers follow tzdata exactly, including the POSIX footer for instants after the last
/// table entry (2038 and beyond).
public final class Zone: Sendable, Hashable, CustomStringConvertible {
    /// The IANA identifier, e.g. `America/New_York`.
    public let identifier: String
    let data: TZifData
    /// The last transition in the table; instants after it are answered by the footer.
    private let tableEnd: Int64

    init(identifier: String, data: TZifData) {
        self.identifier = identifier
        self.data = data
        self.tableEnd = data.transitions.last ?? Int64.min
    }

    public static func == (a: Zone, b: Zone) -> Bool { a.identifier == b.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }
    public var description: String { identifier }

    // MARK: Instant → local

    /// The local time type (offset, DST flag, abbreviation) in force at Unix second `t`.
    func type(at t: Int64) -> TZifData.TimeType {
        let tr = data.transitions
        if tr.isEmpty || t >= tableEnd {
            if let footer = data.footer, !tr.isEmpty || t >= tableEnd { return footer.type(at: t) }
            if tr.isEmpty { return data.types[data.initialType] }
            return data.types[Int(data.transitionTypes[tr.count - 1])]
        }
        if t < tr[0] { return data.types[data.initialType] }
        // Binary search: last index with tr[i] <= t.
        var lo = 0
        var hi = tr.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if tr[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return data.types[Int(data.transitionTypes[lo])]
    }

    /// Seconds east of UTC in force at `instant` (e.g. -14400 for EDT).
    public func offset(at instant: Instant) -> Int {
        Int(type(at: instant.unixSeconds).utcOffset)
    }

    /// The abbreviation as tzdata spells it at `instant`: `EDT`, `CET`, `IST`, `+0545`.
    public func abbreviation(at instant: Instant) -> String {
        type(at: instant.unixSeconds).abbreviation
    }

    /// Whether daylight saving time is in force at `instant` (tzdata's `isdst` flag).
    public func isDaylightSavingTime(at instant: Instant) -> Bool {
        type(at: instant.unixSeconds).isDST
    }

    /// The wall-clock date and time in this zone at `instant`.
    public func localDateTime(at instant: Instant) -> LocalDateTime {
        let s = instant.unixSeconds
        return LocalDateTime(secondsSinceLocalEpoch: s + Int64(type(at: s).utcOffset))
    }

    // MARK: Transitions

    /// The first instant strictly after `instant` at which the UTC offset changes, or nil.
    ///
    /// Changes of abbreviation or DST flag alone (same offset) are not transitions here.
    public func nextTransition(after instant: Instant) -> Instant? {
        nextOffsetChange(after: instant.unixSeconds).map { Instant(unixSeconds: $0) }
    }

    /// The last instant at or before `instant` at which the UTC offset changed, or nil.
    public func previousTransition(before instant: Instant) -> Instant? {
        previousOffsetChange(atOrBefore: instant.unixSeconds).map { Instant(unixSeconds: $0) }
    }

    func nextOffsetChange(after t: Int64) -> Int64? {
        var cursor = t
        var current = type(at: t).utcOffset
        // Walk raw type changes (table, then footer) until the offset differs.
        for _ in 0..<10_000 {
            guard let next = nextTypeChange(after: cursor) else { return nil }
            let ty = type(at: next)
            if ty.utcOffset != current { return next }
            current = ty.utcOffset
            cursor = next
        }
        return nil
    }

    func previousOffsetChange(atOrBefore t: Int64) -> Int64? {
        var cursor = t
        for _ in 0..<10_000 {
            guard let change = previousTypeChange(atOrBefore: cursor) else { return nil }
            if type(at: change).utcOffset != type(at: change - 1).utcOffset { return change }
            cursor = change - 1
        }
        return nil
    }

    private func nextTypeChange(after t: Int64) -> Int64? {
        let tr = data.transitions
        if !tr.isEmpty, t < tableEnd {
            // First index with tr[i] > t.
            var lo = 0
            var hi = tr.count - 1
            while lo < hi {
                let mid = (lo + hi) >> 1
                if tr[mid] > t { hi = mid } else { lo = mid + 1 }
            }
            return tr[lo]
        }
        return data.footer?.nextChange(after: max(t, tableEnd))
    }

    private func previousTypeChange(atOrBefore t: Int64) -> Int64? {
        let tr = data.transitions
        if !tr.isEmpty, t > tableEnd, let footer = data.footer, let c = footer.previousChange(atOrBefore: t),
            c > tableEnd
        {
            return c
        }
        guard !tr.isEmpty, t >= tr[0] else { return nil }
        var lo = 0
        var hi = tr.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if tr[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return tr[lo]
    }

    // MARK: Local → instant

    /// Maps a wall-clock time in this zone to an instant under RFC 5545 §3.3.5:
    /// a time inside a gap is read with the offset in force before the gap (02:30 on a
    /// spring-forward day at 02:00 becomes 03:30), an ambiguous time means its first occurrence.
    public func resolve(_ local: LocalDateTime) -> ResolvedLocalTime {
        let l = local.secondsSinceLocalEpoch
        // Any transition that can matter lies within a day of the wall-clock value read as UTC
        // (offsets are within ±26 h). Collect the offset before and the changes in that window.
        let windowStart = l - 93_600
        var offsets: [Int64] = [Int64(type(at: windowStart).utcOffset)]
        var changes: [Int64] = []
        var cursor = windowStart
        while let c = nextOffsetChange(after: cursor), c <= l + 93_600, changes.count < 8 {
            changes.append(c)
            offsets.append(Int64(type(at: c).utcOffset))
            cursor = c
        }
        if changes.isEmpty {
            return ResolvedLocalTime(instant: Instant(unixSeconds: l - offsets[0]), status: .ok)
        }
        // Interval k is [changes[k-1], changes[k]) with offsets[k]; check where l - offset lands.
        var matches: [Int64] = []
        for k in 0..<offsets.count {
            let u = l - offsets[k]
            let lower = k == 0 ? Int64.min : changes[k - 1]
            let upper = k == changes.count ? Int64.max : changes[k]
            if u >= lower && u < upper { matches.append(u) }
        }
        if matches.count == 1 {
            return ResolvedLocalTime(instant: Instant(unixSeconds: matches[0]), status: .ok)
        }
        if matches.count > 1 {
            return ResolvedLocalTime(instant: Instant(unixSeconds: matches.min()!), status: .ambiguous)
        }
        // In a gap: find the change the wall-clock time skipped over and use the offset before it.
        for k in 0..<changes.count {
            let before = offsets[k]
            let after = offsets[k + 1]
            if l - before >= changes[k] && l - after < changes[k] {
                return ResolvedLocalTime(instant: Instant(unixSeconds: l - before), status: .nonexistent)
            }
        }
        return ResolvedLocalTime(instant: Instant(unixSeconds: l - offsets[0]), status: .nonexistent)
    }
}

/// The result of reading a wall-clock time in a zone.
public struct ResolvedLocalTime: Hashable, Sendable {
    /// The instant chosen under RFC 5545 §3.3.5.
    public var instant: Instant
    /// Whether the wall-clock time existed once, not at all (gap), or twice (overlap).
    public var status: LocalTimeStatus

    public init(instant: Instant, status: LocalTimeStatus) {
        self.instant = instant
        self.status = status
    }
}

/// How a wall-clock time maps onto the time line.
public enum LocalTimeStatus: String, Hashable, Sendable, CaseIterable {
    /// Exactly one instant has this wall-clock time.
    case ok
    /// The time falls in a gap (clocks sprang forward over it).
    case nonexistent
    /// The time occurs twice (clocks fell back over it).
    case ambiguous
}
