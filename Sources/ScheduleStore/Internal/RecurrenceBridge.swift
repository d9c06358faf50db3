import Foundation
import SchedulingCore

/// The store's view of a recurrence rule: compiled from the request, stored as kind + text
/// (+ the local DTSTART for an RRULE), and turned back into a ``Recurrence`` to find the next
/// occurrence on wall-clock time in the schedule's zone.
struct CompiledRecurrence {
    /// "RRULE" or "CRON".
    var kind: String
    /// The rule text (the seed's shorthand compiled to an RRULE).
    var text: String
    /// The seed's recurringPattern (daily/weekly/monthly/custom).
    var pattern: String
    /// The seed's recurringConfig JSON, for shorthand.
    var configJSON: String?

    /// Compiles and validates `spec` for a series starting at `start` (wall clock).
    static func compile(_ spec: RecurrenceSpec, start: LocalDateTime, zone: Zone, until: Instant?) throws(StoreError)
        -> CompiledRecurrence
    {
        switch spec {
        case .rrule(let text):
            do {
                let rule = try RecurrenceRule.parse(text)
                return CompiledRecurrence(kind: "RRULE", text: rule.text, pattern: "custom")
            } catch {
                throw .invalidArgument("recurrence", "RRULE \(error)")
            }
        case .cron(let text):
            do {
                let cron = try CronExpression.parse(text)
                return CompiledRecurrence(kind: "CRON", text: cron.text, pattern: "custom")
            } catch {
                throw .invalidArgument("recurrence", "cron \(error)")
            }
        case .shorthand(let name, let json):
            guard let pattern = RecurrenceConfig.Pattern(rawValue: name.lowercased()) else {
                throw .invalidArgument("recurringPattern", "expected daily, weekly or monthly")
            }
            var object: [String: Any] = [:]
            if let json, !json.isEmpty {
                guard let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                    throw .invalidArgument("recurringConfig", "expected a JSON object")
                }
                object = parsed
            }
            func int(_ key: String) throws(StoreError) -> Int? {
                guard let v = object[key] else { return nil }
                guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded() else {
                    throw .invalidArgument("recurringConfig.\(key)", "expected an integer")
                }
                return n.intValue
            }
            var days: [Int] = []
            if let v = object["daysOfWeek"] {
                guard let list = v as? [NSNumber] else {
                    throw .invalidArgument("recurringConfig.daysOfWeek", "expected a list of integers 0…6")
                }
                days = list.map(\.intValue)
            }
            let config = RecurrenceConfig(
                pattern: pattern, daysOfWeek: pattern == .weekly && days.isEmpty ? [start.weekday0] : days,
                dayOfMonth: try int("dayOfMonth") ?? (pattern == .monthly ? start.day : nil),
                hour: try int("hour") ?? start.hour, minute: try int("minute") ?? start.minute)
            do {
                return CompiledRecurrence(
                    kind: "RRULE", text: try config.rruleText(), pattern: pattern.rawValue, configJSON: json)
            } catch {
                throw .invalidArgument("recurringConfig", error.description)
            }
        }
    }

    /// The series this rule generates from `start` (its first occurrence) in `zone`, bounded by
    /// `until`. `stored`: the text was read back from the database, where a cron expression
    /// stored before never-firing ones were refused still reads (its series ends after the start).
    func series(start: LocalDateTime, zone: Zone, until: Instant?, stored: Bool) throws(StoreError) -> Recurrence {
        let k: Recurrence.Kind
        do {
            k =
                kind == "CRON"
                ? .cron(try CronExpression.parse(text, allowingNeverFiring: stored), start: start)
                : .rrule(try RecurrenceRule.parse(text), start: start)
        } catch {
            throw StoreError(code: .internal, message: "stored recurrence no longer parses: \(error)")
        }
        return Recurrence(kind: k, zone: zone, until: until)
    }

    /// The first follow-up strictly after `after`, bounded by `until`; nil when the series ends.
    /// The start was stored as the series' first row, so a follow-up is never the start itself
    /// (nor before it), even when the zone changed since and the start now reads later.
    static func next(
        kind: String, text: String, start: LocalDateTime, zone: Zone, until: Instant?, after: Instant
    ) throws(StoreError) -> Instant? {
        let compiled = CompiledRecurrence(kind: kind, text: text, pattern: "")
        let series = try compiled.series(start: start, zone: zone, until: until, stored: true)
        var from = after
        if let first = series.startInstant, first > from { from = first }
        return series.next(after: from)
    }
}

extension LocalDateTime {
    /// 0 = Sunday … 6 = Saturday (JavaScript's getDay, the seed's daysOfWeek).
    fileprivate var weekday0: Int {
        LocalDateTime.isoWeekday(days: LocalDateTime.days(year: year, month: month, day: day)) % 7
    }
}
