/// A schedulable series: an RRULE from a local DTSTART, or a cron expression, evaluated on
/// wall-clock time in a zone and bounded by an optional `recurringUntil`.
///
/// Each local occurrence maps to UTC with ``Zone/resolve(_:)`` (RFC 5545 §3.3.5: a time in a
/// DST gap takes the offset before the gap, an ambiguous time its first occurrence). Occurrences
/// that land on the same instant are emitted once, and `COUNT` counts emitted occurrences.
public struct Recurrence: Sendable {
    /// What generates the series.
    public enum Kind: Sendable, Hashable {
        /// An RRULE starting at a local DTSTART (which is an occurrence only if it matches the rule).
        case rrule(RecurrenceRule, start: LocalDateTime)
        /// A cron expression; it has no start, so queries need an `after` instant.
        case cron(CronExpression)
    }

    /// The generator.
    public let kind: Kind
    /// The zone whose wall clock the series follows.
    public let zone: Zone
    /// `recurringUntil`: no occurrence is later than this instant (inclusive bound).
    public let until: Instant?

    private let engine: RRuleEngine?
    /// Set when the rule is a plain arithmetic series (see ``RRuleEngine/arithmeticSeries``).
    private let arithmetic: (timeOfDay: Int, spacingDays: Int64)?

    /// A series of `kind` on the wall clock of `zone`, ending at `until` (inclusive) if given.
    public init(kind: Kind, zone: Zone, until: Instant? = nil) {
        self.kind = kind
        self.zone = zone
        self.until = until
        if case .rrule(let rule, let start) = kind {
            let compiled = RRuleEngine(rule: rule, start: start)
            engine = compiled
            arithmetic = compiled.arithmeticSeries
        } else {
            engine = nil
            arithmetic = nil
        }
    }

    /// The first occurrence strictly after `after`, or nil when the series has ended (COUNT,
    /// UNTIL, `recurringUntil`) or nothing fires within the search horizon: 400 years without
    /// an occurrence for an RRULE, ``CronExpression/searchWindowSeconds`` (1,460 days) for cron.
    public func next(after: Instant) -> Instant? {
        switch kind {
        case .cron(let cron):
            let limit = after.adding(seconds: CronExpression.searchWindowSeconds)
            guard let t = cron.next(after: after, in: zone, limit: limit) else { return nil }
            if let until, t > until { return nil }
            return t
        case .rrule:
            if let engine, let series = arithmetic,
                let fast = arithmeticNext(after: after, engine: engine, series: series)
            {
                return fast
            }
            return rruleOccurrences(after: after, count: 1).first
        }
    }

    /// Up to `count` occurrences in order. For an RRULE, `after == nil` starts at DTSTART
    /// (inclusive); otherwise occurrences are strictly after `after`. For cron, `after == nil`
    /// yields no occurrences (cron has no start), and the list ends where no firing follows
    /// within ``CronExpression/searchWindowSeconds`` of the previous one.
    public func occurrences(after: Instant?, count: Int) -> [Instant] {
        guard count > 0 else { return [] }
        switch kind {
        case .cron(let cron):
            guard var cursor = after else { return [] }
            var out: [Instant] = []
            // Exactly what chaining next(after:) gives: each step searches one window ahead.
            while out.count < count,
                let t = cron.next(
                    after: cursor, in: zone, limit: cursor.adding(seconds: CronExpression.searchWindowSeconds))
            {
                if let until, t > until { break }
                out.append(t)
                cursor = t
            }
            return out
        case .rrule:
            return rruleOccurrences(after: after, count: count)
        }
    }

    // MARK: RRULE

    private func rruleOccurrences(after: Instant?, count: Int) -> [Instant] {
        guard let engine else { return [] }
        var nearDay: Int64? = nil
        if let after, engine.count == nil {
            // Start two local days early: a gap can move an earlier wall-clock time past `after`.
            nearDay = zone.localDateTime(at: after).daysSinceEpoch - 2
        }
        var iterator = RRuleIterator(engine: engine, zone: zone, nearDay: nearDay)
        var buffer: [Int64] = []
        var out: [Instant] = []
        var emitted = 0
        var last = Int64.min
        var more = true
        while more && out.count < count {
            more = iterator.nextPeriod(into: &buffer)
            for seconds in buffer {
                if seconds == last { continue }
                last = seconds
                emitted += 1
                if let limit = engine.count, emitted > limit { return out }
                let instant = Instant(unixSeconds: seconds)
                if let until, instant > until { return out }
                if let after, instant <= after { continue }
                out.append(instant)
                if out.count == count { return out }
            }
        }
        return out
    }

    /// O(1) next occurrence for a daily (or weekly-on-DTSTART's-weekday) series with one time of
    /// day, valid when no UTC offset change lies near `after` or the answer; nil means "use the
    /// general path", and `.some(nil)` means "no further occurrence".
    private func arithmeticNext(
        after: Instant, engine: RRuleEngine, series: (timeOfDay: Int, spacingDays: Int64)
    ) -> Instant?? {
        let s = after.unixSeconds
        let spacing = series.spacingDays * 86_400
        // The answer lies within one spacing after `after`; a constant offset from a day before
        // `after` to a day after that makes wall clock and UTC differ by a constant.
        guard let offset = zone.constantOffset(from: s - 93_600, through: s + spacing + 93_600) else {
            return nil
        }
        let localAfter = s + offset
        let base = engine.startDay * 86_400 + Int64(series.timeOfDay)
        let k0: Int64 = base < engine.startLocal ? 1 : 0
        // Smallest k with (base + k·spacing − offset) > after, i.e. local ≥ localAfter + 1.
        let k = max(k0, ceilDiv(localAfter + 1 - base, spacing))
        let local = base + k * spacing
        let instant = local - offset
        // Before DTSTART the first occurrence may lie beyond the checked window.
        if instant > s + spacing { return nil }
        if let u = engine.untilLocal, local > u { return .some(nil) }
        if let u = engine.untilUTC, instant > u { return .some(nil) }
        if local > 253_402_300_799 { return .some(nil) }
        let result = Instant(unixSeconds: instant)
        if let until, result > until { return .some(nil) }
        return .some(result)
    }
}
