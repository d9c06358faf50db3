import SchedulingCore

extension ScheduleStore {
    /// The series Enqueue stores for `recurrence` when its requested time is `start` (wall
    /// clock in `zone`), bounded by `recurringUntil`: the same compilation and checks, so a
    /// preview of it is what will be published (conflict adjustments aside: auto-resolve can
    /// move the first occurrence, and the series follows the moved time).
    ///
    /// The start is the first occurrence for every kind of rule, then the rule's occurrences
    /// strictly after it; an RRULE's COUNT includes the start. Errors are Enqueue's, naming the
    /// store fields `recurrence`, `recurringPattern`, `recurringConfig…` and `recurringUntil`.
    public static func series(
        _ recurrence: RecurrenceSpec, start: LocalDateTime, zone: Zone, recurringUntil: Instant?
    ) throws(StoreError) -> Recurrence {
        let compiled = try CompiledRecurrence.compile(recurrence, start: start, zone: zone, until: recurringUntil)
        if let until = recurringUntil, until <= zone.resolve(start).instant {
            throw .invalidArgument("recurringUntil", "must be after the first occurrence")
        }
        return try compiled.series(start: start, zone: zone, until: recurringUntil, stored: false)
    }
}
