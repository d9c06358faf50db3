// The cross-field rules of the messages marked @rules in proto/: what one field's @tags cannot
// say. The generated decoder calls `validateRules(at:)` after the field checks.

/// The "when" of a request: local_time (+ timezone) or scheduled_for_ms, not both.
private func checkWhen(
    localTime: String, timezone: String, scheduledForMs: Int64, zoneRequiredWithLocalTime: Bool, _ path: FieldPath
) throws(RPCError) {
    if localTime.isEmpty && scheduledForMs == 0 {
        throw WireCheck.invalid(path, "local_time", "required (or scheduled_for_ms)")
    }
    if !localTime.isEmpty && scheduledForMs != 0 {
        throw WireCheck.invalid(path, "scheduled_for_ms", "set local_time or scheduled_for_ms, not both")
    }
    if zoneRequiredWithLocalTime && !localTime.isEmpty && timezone.isEmpty {
        throw WireCheck.invalid(path, "timezone", "required with local_time")
    }
}

/// A period's end must not come before its start (0 = open).
private func checkPeriod(fromMs: Int64, toMs: Int64, _ path: FieldPath) throws(RPCError) {
    if fromMs != 0 && toMs != 0 && toMs < fromMs { throw WireCheck.invalid(path, "to_ms", "before from_ms") }
}

extension SchedulerV1.EnqueueRequest {
    func validateRules(at path: FieldPath) throws(RPCError) {
        try checkWhen(
            localTime: localTime, timezone: timezone, scheduledForMs: scheduledForMs, zoneRequiredWithLocalTime: true,
            path)
        if recurringUntilMs != 0 && recurrence == nil {
            throw WireCheck.invalid(path, "recurring_until_ms", "needs recurrence")
        }
    }
}

extension SchedulerV1.ValidateRequest {
    func validateRules(at path: FieldPath) throws(RPCError) {
        try checkWhen(
            localTime: localTime, timezone: timezone, scheduledForMs: scheduledForMs, zoneRequiredWithLocalTime: true,
            path)
    }
}

extension SchedulerV1.RescheduleRequest {
    func validateRules(at path: FieldPath) throws(RPCError) {
        try checkWhen(
            localTime: localTime, timezone: timezone, scheduledForMs: scheduledForMs, zoneRequiredWithLocalTime: false,
            path)
    }
}

extension SchedulerV1.UpdateRequest {
    func validateRules(at path: FieldPath) throws(RPCError) {
        if let ms = scheduledForMs {
            // Set means set here, but the server reads 0 as "keep the time": refused, not ignored.
            guard ms != 0 else {
                throw WireCheck.invalid(path, "scheduled_for_ms", "must not be 0 (1970-01-01T00:00:00Z)")
            }
            try WireCheck.instant(ms, path, "scheduled_for_ms")
        }
        if localTime != nil && scheduledForMs != nil {
            throw WireCheck.invalid(path, "scheduled_for_ms", "set local_time or scheduled_for_ms, not both")
        }
    }
}

extension SchedulerV1.StatsRequest {
    func validateRules(at path: FieldPath) throws(RPCError) { try checkPeriod(fromMs: fromMs, toMs: toMs, path) }
}

extension SchedulerV1.ListConflictsRequest {
    func validateRules(at path: FieldPath) throws(RPCError) { try checkPeriod(fromMs: fromMs, toMs: toMs, path) }
}

extension SchedulerV1.ListRequest {
    func validateRules(at path: FieldPath) throws(RPCError) { try checkPeriod(fromMs: fromMs, toMs: toMs, path) }
}

extension SchedulerV1.RecurrenceShorthand {
    func validateRules(at path: FieldPath) throws(RPCError) {
        guard pattern.isKnown, pattern != .unspecified else {
            throw WireCheck.invalid(path, "pattern", "must be DAILY, WEEKLY or MONTHLY")
        }
        for (i, d) in daysOfWeek.enumerated() where !(0...6).contains(d) {
            throw RPCError.invalidArgument(
                field: FieldPath.element(path, "days_of_week", i).text, "must be 0–6 (0 = Sunday)")
        }
        if pattern == .weekly && daysOfWeek.isEmpty {
            throw WireCheck.invalid(path, "days_of_week", "required for WEEKLY")
        }
        if pattern == .monthly && dayOfMonth == 0 {
            throw WireCheck.invalid(path, "day_of_month", "required for MONTHLY")
        }
    }
}

extension MetadataEntry {
    func validateRules(at path: FieldPath) throws(RPCError) {
        guard !key.isEmpty else { throw WireCheck.invalid(path, "key", "empty") }
        guard key.utf8.count <= Limits.maxMetadataKeyBytes else {
            throw WireCheck.invalid(path, "key", "longer than \(Limits.maxMetadataKeyBytes) bytes")
        }
        guard key.utf8.allSatisfy({ Limits.isMetadataKeyByte($0) }) else {
            throw WireCheck.invalid(path, "key", "must be lowercase ASCII letters, digits, '-', '_' or '.'")
        }
        guard value.utf8.count <= Limits.maxMetadataValueBytes else {
            throw WireCheck.invalid(path, "value", "longer than \(Limits.maxMetadataValueBytes) bytes")
        }
    }
}

extension Frame.Request {
    func validateRules(at path: FieldPath) throws(RPCError) {
        guard !method.isEmpty else { throw WireCheck.invalid(path, "method", "required") }
        guard method.utf8.count <= Limits.maxMethodBytes else {
            throw WireCheck.invalid(path, "method", "longer than \(Limits.maxMethodBytes) bytes")
        }
    }
}
