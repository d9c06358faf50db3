/// A rule compiled against its DTSTART: the normalised BYxxx sets python-dateutil's `rrule`
/// works from (defaults taken from DTSTART where RFC 5545 §3.3.10 says so), as bit masks and
/// small sorted arrays so expanding a period allocates nothing but its output.
struct RRuleEngine: Sendable {
    struct NthWeekday: Sendable, Hashable {
        /// 0 = Monday … 6 = Sunday.
        var weekday: Int
        var n: Int
    }

    let freq: RecurrenceRule.Frequency
    let interval: Int
    /// Bit m set for each month m in BYMONTH; 0 = no filter.
    let monthMask: UInt16
    let hasByMonth: Bool
    /// Bit d for BYMONTHDAY=d; `monthDayNeg` bit k for BYMONTHDAY=-k.
    let monthDayPos: UInt32
    let monthDayNeg: UInt32
    let yearDays: [Int]
    let weekNos: [Int]
    /// Bit w (0 = Monday) for plain BYDAY weekdays; 0 = no filter.
    let weekdayMask: UInt8
    let nthWeekdays: [NthWeekday]
    /// Seconds of the day (BYHOUR × BYMINUTE × BYSECOND), sorted, unique; for HOURLY, seconds
    /// of the hour (BYMINUTE × BYSECOND, one value each).
    let times: [Int]
    /// HOURLY only: bit h for BYHOUR=h, which limits the hours; 0 = every hour.
    let hourMask: UInt32
    let setPos: [Int]
    /// WKST, 0 = Monday.
    let wkst: Int
    let start: LocalDateTime
    let startLocal: Int64
    let startDay: Int64
    let untilLocal: Int64?
    let untilUTC: Int64?
    let count: Int?

    init(rule: RecurrenceRule, start: LocalDateTime) {
        freq = rule.frequency
        interval = rule.interval
        self.start = start
        startLocal = start.secondsSinceLocalEpoch
        startDay = start.daysSinceEpoch
        wkst = rule.weekStart - 1
        count = rule.count
        switch rule.until {
        case .local(let l)?:
            untilLocal = l.secondsSinceLocalEpoch
            untilUTC = nil
        case .utc(let i)?:
            untilLocal = nil
            untilUTC = i.unixSeconds
        case nil:
            untilLocal = nil
            untilUTC = nil
        }
        var byMonth = rule.byMonth
        var byMonthDay = rule.byMonthDay
        var plain: UInt8 = 0
        var nth: [NthWeekday] = []
        // dateutil: without any day-level rule, the day comes from DTSTART.
        if rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty && rule.byMonthDay.isEmpty && rule.byDay.isEmpty {
            switch rule.frequency {
            case .yearly:
                if byMonth.isEmpty { byMonth = [start.month] }
                byMonthDay = [start.day]
            case .monthly:
                byMonthDay = [start.day]
            case .weekly:
                plain = 1 << UInt8(start.isoWeekday - 1)
            case .daily, .hourly:
                break
            }
        }
        for d in rule.byDay {
            if d.ordinal == 0 || rule.frequency == .weekly || rule.frequency == .daily {
                plain |= 1 << UInt8(d.weekday - 1)
            } else {
                nth.append(NthWeekday(weekday: d.weekday - 1, n: d.ordinal))
            }
        }
        var mm: UInt16 = 0
        for m in byMonth { mm |= 1 << UInt16(m) }
        monthMask = mm
        hasByMonth = !byMonth.isEmpty
        var pos: UInt32 = 0
        var neg: UInt32 = 0
        for d in byMonthDay {
            if d > 0 { pos |= 1 << UInt32(d) } else { neg |= 1 << UInt32(-d) }
        }
        monthDayPos = pos
        monthDayNeg = neg
        yearDays = rule.byYearDay
        weekNos = rule.byWeekNo
        weekdayMask = plain
        nthWeekdays = nth
        // RFC 5545 §3.3.10: with HOURLY, BYHOUR limits the hours instead of expanding a day.
        let hourly = rule.frequency == .hourly
        var hm: UInt32 = 0
        if hourly { for h in rule.byHour { hm |= 1 << UInt32(h) } }
        hourMask = hm
        let hours = hourly ? [0] : rule.byHour.isEmpty ? [start.hour] : rule.byHour
        let minutes = rule.byMinute.isEmpty ? [start.minute] : rule.byMinute
        let seconds = rule.bySecond.isEmpty ? [start.second] : rule.bySecond
        var t: [Int] = []
        t.reserveCapacity(hours.count * minutes.count * seconds.count)
        for h in hours {
            for m in minutes {
                for s in seconds { t.append(h * 3600 + m * 60 + s) }
            }
        }
        times = Array(Set(t)).sorted()
        setPos = rule.bySetPos
    }

    /// The single time of day and period length in days when every occurrence is DTSTART's
    /// day plus a whole number of periods (DAILY, or WEEKLY on DTSTART's weekday, with no other
    /// day or set-position rule and one time of day): the case ``Recurrence`` answers by arithmetic.
    var arithmeticSeries: (timeOfDay: Int, spacingDays: Int64)? {
        guard count == nil, setPos.isEmpty, times.count == 1, monthMask == 0, monthDayPos == 0,
            monthDayNeg == 0, yearDays.isEmpty, weekNos.isEmpty, nthWeekdays.isEmpty
        else { return nil }
        switch freq {
        case .daily where weekdayMask == 0:
            return (times[0], Int64(interval))
        case .weekly where weekdayMask == 1 << UInt8(start.isoWeekday - 1):
            return (times[0], Int64(interval) * 7)
        default:
            return nil
        }
    }

    @inline(__always)
    static func weekday(_ day: Int64) -> Int { LocalDateTime.isoWeekday(days: day) - 1 }

    /// First day of the week (per WKST) containing `day`.
    func weekStart(_ day: Int64) -> Int64 {
        day - Int64((Self.weekday(day) - wkst + 7) % 7)
    }

    /// dateutil's week-number mask for `year` (index 0 = January 1st), BYWEEKNO only.
    func weekNoMask(year: Int) -> [Bool] {
        let yearLen = LocalDateTime.daysInYear(year)
        var mask = [Bool](repeating: false, count: yearLen + 14)
        let yearWeekday = Self.weekday(LocalDateTime.days(year: year, month: 1, day: 1))
        func wd(_ i: Int) -> Int { (yearWeekday + i) % 7 }
        let firstWkst = (7 - yearWeekday + wkst) % 7
        var no1wkst = firstWkst
        let wyearLen: Int
        if no1wkst >= 4 {
            no1wkst = 0
            wyearLen = yearLen + ((yearWeekday - wkst) % 7 + 7) % 7
        } else {
            wyearLen = yearLen - no1wkst
        }
        let numWeeks = wyearLen / 7 + (wyearLen % 7) / 4
        func markWeek(from start: Int) {
            var i = start
            for _ in 0..<7 {
                mask[i] = true
                i += 1
                if wd(i) == wkst { break }
            }
        }
        for original in weekNos {
            var n = original
            if n < 0 { n += numWeeks + 1 }
            guard n > 0 && n <= numWeeks else { continue }
            var i: Int
            if n > 1 {
                i = no1wkst + (n - 1) * 7
                if no1wkst != firstWkst { i -= 7 - firstWkst }
            } else {
                i = no1wkst
            }
            markWeek(from: i)
        }
        if weekNos.contains(1) {
            var i = no1wkst + numWeeks * 7
            if no1wkst != firstWkst { i -= 7 - firstWkst }
            if i < yearLen { markWeek(from: i) }
        }
        if no1wkst != 0 {
            var lastNumWeeks = -1
            if !weekNos.contains(-1) {
                let lastYearWeekday = Self.weekday(LocalDateTime.days(year: year - 1, month: 1, day: 1))
                let lastNo1wkst = (7 - lastYearWeekday + wkst) % 7
                let lastYearLen = LocalDateTime.daysInYear(year - 1)
                if lastNo1wkst >= 4 {
                    lastNumWeeks = 52 + ((lastYearLen + ((lastYearWeekday - wkst) % 7 + 7) % 7) % 7) / 4
                } else {
                    // dateutil uses this year's length here; kept for identical results.
                    lastNumWeeks = 52 + ((yearLen - no1wkst) % 7) / 4
                }
            }
            if weekNos.contains(lastNumWeeks) {
                for i in 0..<no1wkst { mask[i] = true }
            }
        }
        return mask
    }
}

/// Walks a rule's periods (years, months, weeks, days or hours) in order, producing each period's
/// occurrences as sorted, unique instants (Unix seconds) in a zone.
struct RRuleIterator {
    let engine: RRuleEngine
    let zone: Zone
    private(set) var year: Int
    private(set) var month: Int
    /// First day of the period (DAILY, WEEKLY); for WEEKLY the first period starts at DTSTART.
    private(set) var anchorDay: Int64
    /// HOURLY: the period's hour on the local clock (hours since 1970-01-01T00:00).
    private(set) var anchorHour: Int64
    /// HOURLY: the last period's day did not match the day-level rules, so the rest of that
    /// day is skipped.
    private var dayMissed = false
    private(set) var finished = false
    private var lastProductiveYear: Int
    private var weekNoYear = Int.min
    private var weekNoMask: [Bool] = []
    private var days: [Int64] = []
    private var locals: [Int64] = []

    /// Give up after this many years without an occurrence (rules such as Feb 30 never match).
    static let horizonYears = 400

    /// Starts at DTSTART's period, or at the first period that can hold an occurrence on or after
    /// the local day `nearDay` (days since 1970-01-01 on the local clock).
    init(engine: RRuleEngine, zone: Zone, nearDay: Int64? = nil) {
        self.engine = engine
        self.zone = zone
        year = engine.start.year
        month = engine.start.month
        anchorDay = engine.startDay
        anchorHour = engine.startDay * 24 + Int64(engine.start.hour)
        lastProductiveYear = engine.start.year
        if let nearDay, nearDay > engine.startDay {
            jump(to: nearDay)
        }
    }

    private mutating func jump(to target: Int64) {
        let e = engine
        let interval = Int64(e.interval)
        switch e.freq {
        case .hourly:
            let h0 = e.startDay * 24 + Int64(e.start.hour)
            let k = max(0, floorDiv(target * 24 - h0, interval))
            setAnchorHour(h0 + k * interval)
        case .daily:
            let k = max(0, floorDiv(target - e.startDay, interval))
            setAnchor(e.startDay + k * interval)
        case .weekly:
            let ws0 = e.weekStart(e.startDay)
            let k = floorDiv(target - ws0, 7 * interval)
            if k > 0 { setAnchor(ws0 + k * 7 * interval) }
        case .monthly:
            let (ty, tm, _) = LocalDateTime.civil(fromDays: target)
            let idx0 = Int64(e.start.year * 12 + e.start.month - 1)
            let k = max(0, floorDiv(Int64(ty * 12 + tm - 1) - idx0, interval))
            let idx = idx0 + k * interval
            year = Int(idx / 12)
            month = Int(idx % 12) + 1
        case .yearly:
            let (ty, _, _) = LocalDateTime.civil(fromDays: target)
            let k = max(0, floorDiv(Int64(ty - e.start.year), interval))
            year = e.start.year + Int(k * interval)
        }
        lastProductiveYear = year
    }

    private mutating func setAnchorHour(_ hour: Int64) {
        anchorHour = hour
        let day = floorDiv(hour, 24)
        if day != anchorDay { setAnchor(day) }
    }

    private mutating func setAnchor(_ day: Int64) {
        anchorDay = day
        let (y, m, _) = LocalDateTime.civil(fromDays: day)
        year = y
        month = m
    }

    /// Replaces `out` with the next period's occurrences (sorted, unique, Unix seconds, each at
    /// or after DTSTART and within UNTIL). Returns false once no period can follow; `out` may
    /// still hold the last period's occurrences then.
    mutating func nextPeriod(into out: inout [Int64]) -> Bool {
        out.removeAll(keepingCapacity: true)
        if finished { return false }
        if year > 9999 || year > lastProductiveYear + Self.horizonYears {
            finished = true
            return false
        }
        expandPeriod(into: &out)
        if !out.isEmpty { lastProductiveYear = year }
        advance()
        return !finished
    }

    private mutating func advance() {
        let e = engine
        switch e.freq {
        case .yearly:
            year += e.interval
        case .monthly:
            let idx = year * 12 + month - 1 + e.interval
            year = idx / 12
            month = idx % 12 + 1
        case .weekly:
            setAnchor(e.weekStart(anchorDay) + 7 * Int64(e.interval))
        case .daily:
            setAnchor(anchorDay + Int64(e.interval))
        case .hourly:
            let interval = Int64(e.interval)
            var next = anchorHour + interval
            if dayMissed {
                // No hour of this day can match: go to the first period on a later day.
                let nextDay = (anchorDay + 1) * 24
                if next < nextDay { next = anchorHour + ceilDiv(nextDay - anchorHour, interval) * interval }
                dayMissed = false
            }
            setAnchorHour(next)
        }
    }

    private mutating func expandPeriod(into out: inout [Int64]) {
        if engine.freq == .hourly {
            if expandHour() { emit(into: &out) }
            return
        }
        let e = engine
        let first: Int64
        let end: Int64
        switch e.freq {
        case .yearly:
            first = LocalDateTime.days(year: year, month: 1, day: 1)
            end = first + Int64(LocalDateTime.daysInYear(year))
        case .monthly:
            first = LocalDateTime.days(year: year, month: month, day: 1)
            end = first + Int64(LocalDateTime.daysInMonth(year: year, month: month))
        case .weekly:
            first = anchorDay
            end = e.weekStart(anchorDay) + 7
        case .daily, .hourly:
            first = anchorDay
            end = anchorDay + 1
        }
        // Whole periods before DTSTART's day or after UNTIL produce nothing.
        if end <= e.startDay { return }
        if let u = e.untilLocal, first * 86_400 > u {
            finished = true
            return
        }
        if !e.weekNos.isEmpty && weekNoYear != year {
            weekNoMask = e.weekNoMask(year: year)
            weekNoYear = year
        }
        let yearStart = LocalDateTime.days(year: year, month: 1, day: 1)
        days.removeAll(keepingCapacity: true)
        var d = first
        while d < end {
            if matches(day: d, yearStart: yearStart) { days.append(d) }
            d += 1
        }
        if days.isEmpty { return }
        locals.removeAll(keepingCapacity: true)
        if e.setPos.isEmpty {
            for day in days {
                for t in e.times { locals.append(day * 86_400 + Int64(t)) }
            }
        } else {
            let total = days.count * e.times.count
            for p in e.setPos {
                let idx = p > 0 ? p - 1 : total + p
                guard idx >= 0 && idx < total else { continue }
                let l = days[idx / e.times.count] * 86_400 + Int64(e.times[idx % e.times.count])
                if !locals.contains(l) { locals.append(l) }
            }
            locals.sort()
        }
        emit(into: &out)
    }

    /// Fills `locals` with the HOURLY period's wall-clock times; false when it has none.
    private mutating func expandHour() -> Bool {
        let e = engine
        let periodStart = anchorHour * 3600
        if periodStart + 3600 <= e.startLocal { return false }
        if let u = e.untilLocal, periodStart > u {
            finished = true
            return false
        }
        if !matches(day: anchorDay, yearStart: LocalDateTime.days(year: year, month: 1, day: 1)) {
            dayMissed = true
            return false
        }
        let hour = Int(anchorHour - anchorDay * 24)
        if e.hourMask != 0 && e.hourMask & (1 << UInt32(hour)) == 0 { return false }
        locals.removeAll(keepingCapacity: true)
        if e.setPos.isEmpty {
            for t in e.times { locals.append(periodStart + Int64(t)) }
        } else {
            let total = e.times.count
            for p in e.setPos {
                let idx = p > 0 ? p - 1 : total + p
                guard idx >= 0 && idx < total else { continue }
                let l = periodStart + Int64(e.times[idx])
                if !locals.contains(l) { locals.append(l) }
            }
            locals.sort()
        }
        return !locals.isEmpty
    }

    /// Resolves `locals` (one period's sorted wall-clock times) into `out`, applying DTSTART and UNTIL.
    private mutating func emit(into out: inout [Int64]) {
        let e = engine
        for l in locals {
            if l < e.startLocal { continue }
            if let u = e.untilLocal, l > u {
                finished = true
                break
            }
            let instant = zone.resolveLocalSeconds(l)
            if let u = e.untilUTC, instant > u {
                finished = true
                break
            }
            out.append(instant)
        }
        if out.count > 1 {
            // A DST gap can move a wall-clock time past a later one, or onto it.
            var sorted = true
            for i in 1..<out.count where out[i] <= out[i - 1] {
                sorted = false
                break
            }
            if !sorted {
                out.sort()
                var w = 1
                for i in 1..<out.count where out[i] != out[w - 1] {
                    out[w] = out[i]
                    w += 1
                }
                out.removeLast(out.count - w)
            }
        }
    }

    @inline(__always)
    private func matches(day d: Int64, yearStart: Int64) -> Bool {
        let e = engine
        let (y, m, dom) = LocalDateTime.civil(fromDays: d)
        if e.monthMask != 0 && e.monthMask & (1 << UInt16(m)) == 0 { return false }
        if !e.weekNos.isEmpty {
            let i = Int(d - yearStart)
            if i < 0 || i >= weekNoMask.count || !weekNoMask[i] { return false }
        }
        let wd = RRuleEngine.weekday(d)
        if e.weekdayMask != 0 && e.weekdayMask & (1 << UInt8(wd)) == 0 { return false }
        let dim = LocalDateTime.daysInMonth(year: y, month: m)
        if !e.nthWeekdays.isEmpty {
            // The range is the month (MONTHLY, or YEARLY with BYMONTH) or the whole year.
            let pos: Int
            let len: Int
            if e.freq == .monthly || e.hasByMonth {
                pos = dom
                len = dim
            } else {
                pos = Int(d - LocalDateTime.days(year: y, month: 1, day: 1)) + 1
                len = LocalDateTime.daysInYear(y)
            }
            var hit = false
            for nw in e.nthWeekdays where nw.weekday == wd {
                if nw.n > 0 ? (pos - 1) / 7 + 1 == nw.n : (len - pos) / 7 + 1 == -nw.n {
                    hit = true
                    break
                }
            }
            if !hit { return false }
        }
        if e.monthDayPos != 0 || e.monthDayNeg != 0 {
            if e.monthDayPos & (1 << UInt32(dom)) == 0 && e.monthDayNeg & (1 << UInt32(dim - dom + 1)) == 0 {
                return false
            }
        }
        if !e.yearDays.isEmpty {
            let doy = Int(d - LocalDateTime.days(year: y, month: 1, day: 1)) + 1
            let len = LocalDateTime.daysInYear(y)
            if !e.yearDays.contains(doy) && !e.yearDays.contains(doy - len - 1) { return false }
        }
        return true
    }
}
