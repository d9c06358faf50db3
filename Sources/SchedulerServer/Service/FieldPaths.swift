import WireProtocol

/// Where the field a ``StoreError`` names (Swift-style: `timeZone`, `platforms[1]`) lands in the
/// request message of the method that surfaced it: the one table behind ``Wire/error(_:method:request:)``.
///
/// Field violations are `<method>.<path>`, and every path must name a field of that method's
/// request message in scheduler.proto (the tests check each entry against the generated
/// descriptors). A store field the table does not list for a method is not something the caller
/// sent (e.g. the zone stored with the schedule, on PublishNow): the error then names no field.
enum FieldPaths {
    /// What a store field stands for in a request.
    enum Target: Hashable, Sendable, ExpressibleByStringLiteral {
        /// A path in the request message; each `[]` takes the store field's next index.
        case path(String)
        /// The time the request gave: `local_time` or `scheduled_for_ms`, whichever is set.
        /// Nothing when the request gave neither (an Update of the platforms only).
        case requestTime

        init(stringLiteral value: String) { self = .path(value) }
    }

    /// The recurrence's store fields, where Enqueue, Validate and PreviewOccurrences all carry it.
    private static let recurrence: [String: Target] = [
        "recurrence": "recurrence",
        "recurringPattern": "recurrence.shorthand.pattern",
        "recurringConfig": "recurrence.shorthand",
        "recurringConfig.daysOfWeek": "recurrence.shorthand.days_of_week",
        "recurringConfig.dayOfMonth": "recurrence.shorthand.day_of_month",
        "recurringConfig.hour": "recurrence.shorthand.hour",
        "recurringConfig.minute": "recurrence.shorthand.minute",
    ]

    /// method (snake_case) → store field (indexes written `[]`) → its place in the request.
    static let table: [String: [String: Target]] = [
        "enqueue": recurrence.merging([
            "projectID": "project_id",
            "contentID": "content_id",
            "time": .requestTime,
            "timeZone": "timezone",
            "platforms": "platforms",
            "platforms[]": "platforms[]",
            "priority": "priority",
            "recurringUntil": "recurring_until_ms",
            "publishDelaySeconds": "publish_delay_seconds",
            "maxRetries": "max_retries",
            "retryDelaySeconds": "retry_delay_seconds",
            "notes": "notes",
            "metadata": "metadata_json",
            "idempotencyKey": "idempotency_key",
        ]) { a, _ in a },
        "dequeue": [
            "projectID": "project_id",
            "workerID": "worker_id",
            "limit": "limit",
            "leaseSeconds": "lease_seconds",
        ],
        "start": ["leaseToken": "lease_token"],
        "heartbeat": ["leaseToken": "lease_token", "leaseSeconds": "extend_seconds"],
        "complete": [
            "leaseToken": "lease_token",
            "results[]": "results[]",
            "results[].platform": "results[].platform",
        ],
        "fail": [
            "leaseToken": "lease_token",
            "error": "error",
            "results[].platform": "results[].platform",
        ],
        "list": ["page": "page", "limit": "limit", "from": "from_ms", "platform": "platform"],
        "update": [
            "time": .requestTime,
            "timeZone": "timezone",
            // UpdateRequest.platforms is a StringList; its values are indexed on the field itself,
            // as the request decoder names them.
            "platforms": "platforms",
            "platforms[]": "platforms[]",
            "priority": "priority",
            "notes": "notes",
        ],
        "batch_pause": ["scheduleIDs": "schedule_ids"],
        "batch_resume": ["scheduleIDs": "schedule_ids"],
        "batch_cancel": ["scheduleIDs": "schedule_ids", "reason": "reason"],
        "cancel": ["reason": "reason"],
        "confirm_outcome": [
            "published": "published",
            "publishedAt": "published_at_ms",
            "results": "results",
            "results[]": "results[]",
            "results[].platform": "results[].platform",
            "note": "note",
        ],
        "reschedule": ["time": .requestTime, "timeZone": "timezone"],
        "validate": recurrence.merging([
            "projectID": "project_id",
            "time": .requestTime,
            "timeZone": "timezone",
            "platforms": "platforms",
            "platforms[]": "platforms[]",
        ]) { a, _ in a },
        "preview_occurrences": recurrence.merging(["recurringUntil": "until_ms"]) { a, _ in a },
        "stats": ["from": "from_ms"],
        "enqueue_batch": ["items": "items"],
        "acknowledge": ["items": "items"],
        "resolve_conflict": ["resolution": "resolution", "resolvedBy": "resolved_by"],
        "list_conflicts": ["page": "page", "limit": "limit", "from": "from_ms"],
        "list_alerts": ["limit": "limit"],
    ]

    /// Store fields no request carries: the server sets them itself (from its configuration, or
    /// not at all), so they appear in no method's table. Listed so the tests can tell every field
    /// the store names is accounted for.
    static let notFromRequests: Set<String> = [
        "expiryWindowSeconds", "externalJobID", "maxInFlight",
        // ConfirmOutcome's confirmer is the caller's principal, not a request field.
        "confirmedBy",
        // The store's page size, WAL size limit and writer CPU, refused when the store opens:
        // configuration, never a request.
        "pageSize", "walSizeLimitBytes", "writerCPU",
    ]

    /// The request path for `storeField` thrown under `method`, or nil when the request has no
    /// such field. `requestTime` names the time field the request set, if any.
    static func path(for storeField: String, method: String, requestTime: String?) -> String? {
        var key = ""
        var indexes: [Substring] = []
        var rest = Substring(storeField)
        // "results[2].platform" → key "results[].platform", indexes ["2"].
        while let open = rest.firstIndex(of: "[") {
            guard let close = rest[open...].firstIndex(of: "]") else { return nil }
            key += rest[...open]
            indexes.append(rest[rest.index(after: open)..<close])
            key += "]"
            rest = rest[rest.index(after: close)...]
        }
        key += rest
        switch table[method]?[key] {
        case nil:
            return nil
        case .requestTime:
            return requestTime
        case .path(let template):
            var out = ""
            var next = indexes.makeIterator()
            var t = Substring(template)
            while let r = t.range(of: "[]") {
                guard let index = next.next() else { return nil }
                out += t[..<r.lowerBound] + "[" + index + "]"
                t = t[r.upperBound...]
            }
            return out + t
        }
    }
}

/// A request that gives a schedule's time either as `local_time` or as `scheduled_for_ms`.
protocol GivesScheduleTime {
    /// The time field the request set: "local_time", "scheduled_for_ms", or nil.
    var timeField: String? { get }
}

/// The requests whose time is a plain `local_time` ("" = unset) or `scheduled_for_ms` (0 = unset).
protocol GivesPlainScheduleTime: GivesScheduleTime {
    var localTime: String { get }
    var scheduledForMs: Int64 { get }
}

extension GivesPlainScheduleTime {
    var timeField: String? { !localTime.isEmpty ? "local_time" : scheduledForMs != 0 ? "scheduled_for_ms" : nil }
}

extension SchedulerV1.EnqueueRequest: GivesPlainScheduleTime {}
extension SchedulerV1.RescheduleRequest: GivesPlainScheduleTime {}
extension SchedulerV1.ValidateRequest: GivesPlainScheduleTime {}

extension SchedulerV1.UpdateRequest: GivesScheduleTime {
    var timeField: String? {
        localTime?.isEmpty == false ? "local_time" : scheduledForMs != nil ? "scheduled_for_ms" : nil
    }
}
