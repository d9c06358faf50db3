/// A schedulable series: an RRULE from a local DTSTART, or a cron expression, evaluated on
/// wall-clock time in a zone and bounded by an optional `recurringUntil`.
///
/// Each local occurrence maps to UTC with ``Zone/resolve(_:)`` (RFC 5545 §3.3.5: a time in a
/// DST gap takes the offset before the gap, an ambiguous time its first occurrence). Occurrences
/// that land on the same instant are emitted once, and `COUNT` counts emitted occurrences.
///
/// A series' start is always its first occurrence, whether or not the rule matches it: RFC 5545
/// §3.8.5.3 ("The DTSTART property value always counts as the first occurrence"), and what the
/// store does, as it stores the requested time first and each next occurrence strictly after it.
/// For an RRULE the start counts toward `COUNT`; for cron the firings strictly after the start
/// follow it.
public struct Recurrence: Sendable {
    /// What generates the series.
    public enum Kind: Sendable, Hashable {
        /// An RRULE starting at a local DTSTART, which is the first occurrence.
        case rrule(RecurrenceRule, start: LocalDateTime)
        /// A cron expression with an optional start (its first occurrence). Without a start,
        /// queries need an `after` instant and yield only the expression's firings.
        case cron(CronExpression, start: LocalDateTime? = nil)
    }

    /// The generator.
    public let kind: Kind
    /// The zone whose wall clock the series follows.
    public let zone: Zone
    /// `recurringUntil`: no occurrence is later than this instant (inclusive bound).
    public let until: Instant?

    /// The start's instant (``Zone/resolve(_:)``, as the store resolves a requested local time);
    /// nil for cron without a start.
    public let startInstant: Instant?

    private let engine: RRuleEngine?
    /// Set when the rule is a plain arithmetic series (see ``RRuleEngine/arithmeticSeries``).
    private let arithmetic: (timeOfDay: Int, spacingDays: Int64)?

    /// A series of `kind` on the wall clock of `zone`, ending at `until` (inclusive) if given.
    public init(kind: Kind, zone: Zone, until: Instant? = nil) {
        self.kind = kind
        self.zone = zone
        self.until = until
        switch kind {
        case .rrule(let rule, let start):
            let compiled = RRuleEngine(rule: rule, start: start)
            engine = compiled
            arithmetic = compiled.arithmeticSeries
            startInstant = Instant(unixSeconds: zone.resolveLocalSeconds(compiled.startLocal))
        case .cron(_, let start):
            engine = nil
            arithmetic = nil
            startInstant = start.map { Instant(unixSeconds: zone.resolveLocalSeconds($0.secondsSinceLocalEpoch)) }
        }
    }

    /// The first occurrence strictly after `after`, or nil when the series has ended (COUNT,
    /// UNTIL, `recurringUntil`, the year 9999) or, for an RRULE, 400 years pass without an
    /// occurrence. A cron expression that can fire is searched until its next firing, however
    /// far (`0 0 29 2 *` fires every leap day).
    public func next(after: Instant) -> Instant? {
        // The start comes first, before anything the rule generates.
        if let start = startInstant, after < start {
            if let until, start > until { return nil }
            return start
        }
        switch kind {
        case .cron(let cron, _):
            guard let t = cron.next(after: after, in: zone, limit: cronLimit) else { return nil }
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

    /// Up to `count` occurrences in order: from the start (inclusive) when `after` is nil,
    /// otherwise strictly after `after`. Cron without a start yields nothing for `after == nil`.
    /// Exactly what chaining ``next(after:)`` gives.
    public func occurrences(after: Instant?, count: Int) -> [Instant] {
        guard count > 0 else { return [] }
        switch kind {
        case .cron(let cron, _):
            var out: [Instant] = []
            var cursor: Instant
            if let start = startInstant, after.map({ $0 < start }) ?? true {
                if let until, start > until { return [] }
                out.append(start)
                cursor = start
            } else if let after {
                cursor = after
            } else {
                return []
            }
            let limit = cronLimit
            while out.count < count, let t = cron.next(after: cursor, in: zone, limit: limit) {
                out.append(t)
                cursor = t
            }
            return out
        case .rrule:
            return rruleOccurrences(after: after, count: count)
        }
    }

    /// How far a cron search looks: `recurringUntil`, or the end of the supported range (9999).
    private var cronLimit: Instant {
        let end = Instant.supportedRange.upperBound
        guard let until else { return end }
        return min(until, end)
    }

    // MARK: RRULE

    private func rruleOccurrences(after: Instant?, count: Int) -> [Instant] {
        guard let engine, let start = startInstant else { return [] }
        if let until, start > until { return [] }
        var out: [Instant] = []
        // DTSTART is the first occurrence and counts toward COUNT, matching the rule or not.
        if after.map({ start > $0 }) ?? true {
            out.append(start)
            if out.count == count { return out }
        }
        var nearDay: Int64? = nil
        if let after, engine.count == nil {
            // Start two local days early: a gap can move an earlier wall-clock time past `after`.
            nearDay = zone.localDateTime(at: after).daysSinceEpoch - 2
        }
        var iterator = RRuleIterator(engine: engine, zone: zone, nearDay: nearDay)
        var buffer: [Int64] = []
        var emitted = 1
        let startSeconds = start.unixSeconds
        var last = startSeconds
        var more = true
        while more && out.count < count {
            more = iterator.nextPeriod(into: &buffer)
            for seconds in buffer {
                // The start itself (when the rule matches it), or a time a DST gap moved before it.
                if seconds <= startSeconds || seconds == last { continue }
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
