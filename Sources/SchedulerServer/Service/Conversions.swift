import Foundation
import ScheduleStore
import SchedulingCore
import WireProtocol

/// Mapping between the store's and the core's types and the wire's (`SchedulerV1`).
enum Wire {
    typealias V1 = SchedulerV1

    static func queueStatus(_ s: QueueStatus) -> V1.QueueStatus {
        switch s {
        case .pending: .pending
        case .queued: .queued
        case .processing: .processing
        case .completed: .completed
        case .failed: .failed
        case .cancelled: .cancelled
        case .paused: .paused
        }
    }

    static func queueStatus(_ s: V1.QueueStatus, field: String) throws(RPCError) -> QueueStatus? {
        switch s {
        case .unspecified: return nil
        case .pending: return .pending
        case .queued: return .queued
        case .processing: return .processing
        case .completed: return .completed
        case .failed: return .failed
        case .cancelled: return .cancelled
        case .paused: return .paused
        default: throw RPCError.invalidArgument(field: field, "unknown queue status \(s.rawValue)")
        }
    }

    static func scheduleStatus(_ s: ScheduleStatus) -> V1.ScheduleStatus {
        switch s {
        case .scheduled: .scheduled
        case .active: .active
        case .published: .published
        case .failed: .failed
        case .cancelled: .cancelled
        case .expired: .expired
        case .skipped: .skipped
        }
    }

    static func conflictType(_ t: ConflictType) -> V1.ConflictType {
        switch t {
        case .sameTime: .sameTime
        case .rateLimit: .rateLimit
        case .resource: .resource
        case .custom: .custom
        }
    }

    static func severity(_ s: ConflictSeverity) -> V1.ConflictSeverity {
        switch s {
        case .info: .info
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }

    static func conflict(_ c: Conflict) -> V1.Conflict {
        V1.Conflict(
            type: conflictType(c.type), severity: severity(c.severity), reason: c.reason, suggestion: c.suggestion ?? "",
            conflictingScheduleID: c.conflictingScheduleID ?? "", platform: c.platform ?? "",
            conflictTimeMs: c.time.unixMilliseconds, suggestedTimeMs: c.suggestedTime?.unixMilliseconds ?? 0)
    }

    static func storedConflict(_ c: ScheduleConflict) -> V1.StoredConflict {
        V1.StoredConflict(
            id: c.id, projectID: c.projectID, schedule1ID: c.schedule1ID, schedule2ID: c.schedule2ID ?? "",
            type: conflictType(c.type), severity: severity(c.severity), reason: c.reason,
            conflictTimeMs: c.time.unixMilliseconds, resolved: c.resolved, resolvedAtMs: c.resolvedAt?.unixMilliseconds ?? 0,
            resolution: c.resolution ?? "", resolvedBy: c.resolvedBy ?? "")
    }

    static func alert(_ a: Alert) -> V1.AlertRecord {
        let kind: V1.AlertKind
        switch a.kind {
        case .scheduleFailed: kind = .scheduleFailed
        case .outcomeUnknown: kind = .outcomeUnknown
        case .dueBacklog: kind = .dueBacklog
        case .platformLimit: kind = .platformLimit
        }
        let state: V1.AlertDeliveryState
        switch a.state {
        case .pending: state = .pending
        case .delivered: state = .delivered
        case .failed: state = .failed
        }
        return V1.AlertRecord(
            id: a.id, projectID: a.projectID, kind: kind, scheduleID: a.scheduleID ?? "", platform: a.platform ?? "",
            message: a.message, detailsJSON: a.detailsJSON, createdAtMs: a.createdAt.unixMilliseconds, state: state,
            attempts: Int32(clamping: a.attempts),
            nextAttemptAtMs: a.state == .pending ? a.nextAttemptAt.unixMilliseconds : 0,
            deliveredAtMs: a.deliveredAt?.unixMilliseconds ?? 0, lastError: a.lastError ?? "")
    }

    static func recurrence(_ spec: RecurrenceSpec?) -> V1.Recurrence? {
        switch spec {
        case nil: return nil
        case .rrule(let t): return .rrule(t)
        case .cron(let t): return .cron(t)
        case .shorthand(let pattern, let json):
            var s = V1.RecurrenceShorthand(pattern: pattern == "weekly" ? .weekly : pattern == "monthly" ? .monthly : .daily)
            if let json, let object = try? JSONValueReader.object(json) {
                s.daysOfWeek = (object["daysOfWeek"] as? [Int] ?? []).map { Int32($0) }
                s.dayOfMonth = Int32(object["dayOfMonth"] as? Int ?? 0)
                s.hour = Int32(object["hour"] as? Int ?? 0)
                s.minute = Int32(object["minute"] as? Int ?? 0)
            }
            return .shorthand(s)
        }
    }

    static func recurrenceSpec(_ r: V1.Recurrence?, field: String) throws(RPCError) -> RecurrenceSpec? {
        switch r {
        case nil: return nil
        case .rrule(let t): return .rrule(t)
        case .cron(let t): return .cron(t)
        case .shorthand(let s):
            let pattern: String
            switch s.pattern {
            case .daily: pattern = "daily"
            case .weekly: pattern = "weekly"
            case .monthly: pattern = "monthly"
            default: throw RPCError.invalidArgument(field: "\(field).shorthand.pattern", "required: DAILY, WEEKLY or MONTHLY")
            }
            var parts: [String] = ["\"hour\":\(s.hour)", "\"minute\":\(s.minute)"]
            if !s.daysOfWeek.isEmpty { parts.append("\"daysOfWeek\":[\(s.daysOfWeek.map(String.init).joined(separator: ","))]") }
            if s.dayOfMonth != 0 { parts.append("\"dayOfMonth\":\(s.dayOfMonth)") }
            return .shorthand(pattern: pattern, configJSON: "{" + parts.joined(separator: ",") + "}")
        }
    }

    /// The wire form of a schedule. The lease token is never included (only the worker that
    /// dequeued the item has it).
    static func schedule(_ s: Schedule) -> V1.Schedule {
        var lease: V1.Lease? = nil
        if let owner = s.leaseOwner, let expires = s.leaseExpiresAt, s.queueStatus == .queued || s.queueStatus == .processing {
            lease = V1.Lease(owner: owner, token: "", expiresAtMs: expires.unixMilliseconds)
        }
        return V1.Schedule(
            id: s.id, projectID: s.projectID, contentID: s.contentID, scheduledForMs: s.scheduledFor.unixMilliseconds,
            localTime: s.localTime.description, timezone: s.timeZone, platforms: s.platforms, priority: Int32(s.priority),
            queueStatus: queueStatus(s.queueStatus), status: scheduleStatus(s.status),
            queuedAtMs: s.queuedAt?.unixMilliseconds ?? 0, processingAtMs: s.processingAt?.unixMilliseconds ?? 0,
            publishedAtMs: s.publishedAt?.unixMilliseconds ?? 0, isRecurring: s.isRecurring,
            recurrence: recurrence(s.recurrence), recurringUntilMs: s.recurringUntil?.unixMilliseconds ?? 0,
            seriesID: s.seriesID ?? "", retryCount: Int32(s.retryCount), maxRetries: Int32(s.maxRetries),
            retryDelaySeconds: Int32(clamping: s.retryDelaySeconds), publishDelaySeconds: Int32(clamping: s.publishDelaySeconds),
            lease: lease,
            results: s.publishedPlatforms.map { V1.PlatformResult(platform: $0, success: true) },
            idempotencyKey: s.idempotencyKey ?? "", notes: s.notes ?? "", metadataJSON: s.metadataJSON ?? "",
            createdAtMs: s.createdAt.unixMilliseconds, updatedAtMs: s.updatedAt.unixMilliseconds,
            failureReason: s.failureReason ?? "", content: V1.ContentSummary(id: s.contentID),
            leaseLossPolicy: leaseLossPolicy(s.leaseLossPolicy))
    }

    static func leaseLossPolicy(_ p: LeaseLossPolicy) -> V1.LeaseLossPolicy {
        switch p {
        case .retry: .retry
        case .holdOutcomeUnknown: .hold
        }
    }

    /// A request's policy; nil for UNSPECIFIED (the decoder refuses unknown values).
    static func leaseLossPolicy(_ p: V1.LeaseLossPolicy) -> LeaseLossPolicy? {
        switch p {
        case .retry: .retry
        case .hold: .holdOutcomeUnknown
        default: nil
        }
    }

    /// The response's warning: what auto-resolve or a past time did to the request.
    static func warning(adjusted: Bool, pastDue: Bool) -> String {
        var parts: [String] = []
        if adjusted { parts.append("Schedule time adjusted to avoid conflicts") }
        if pastDue { parts.append("The requested time is in the past: the schedule is due now") }
        return parts.joined(separator: "; ")
    }

    /// The attempts history and the latest result per platform, for Get.
    static func withHistory(_ schedule: V1.Schedule, _ history: [AttemptRecord]) -> V1.Schedule {
        var s = schedule
        s.attempts = history.map { a in
            let outcome: V1.AttemptOutcome
            switch a.outcome {
            case nil: outcome = .inProgress
            case "COMPLETED", "PARTIAL": outcome = .succeeded
            case "RELEASED": outcome = .leaseExpired
            case "OUTCOME_UNKNOWN": outcome = .outcomeUnknown
            default: outcome = .failed
            }
            return V1.Attempt(
                number: Int32(a.attempt), startedAtMs: (a.startedAt ?? a.dequeuedAt).unixMilliseconds,
                endedAtMs: a.endedAt?.unixMilliseconds ?? 0, workerID: a.workerID, outcome: outcome, error: a.error ?? "",
                idempotencyKey: a.idempotencyKey,
                confirmation: a.confirmation.map {
                    V1.AttemptConfirmation(
                        published: $0.published, confirmedAtMs: $0.confirmedAt.unixMilliseconds,
                        confirmedBy: $0.confirmedBy ?? "", note: $0.note ?? "")
                })
        }
        // The latest report per platform (a success stays a success).
        var latest: [String: V1.PlatformResult] = [:]
        for a in history {
            for r in a.results where latest[r.platform]?.success != true {
                latest[r.platform] = V1.PlatformResult(platform: r.platform, success: r.succeeded, publishedURL: r.url ?? "", error: r.error ?? "")
            }
        }
        for p in schedule.results where latest[p.platform] == nil { latest[p.platform] = p }
        s.results = schedule.platforms.compactMap { latest[$0] }
        return s
    }

    static func platformResults(_ results: [V1.PlatformResult]) -> [PlatformResult] {
        results.map { r in
            r.success
                ? PlatformResult(platform: r.platform, url: r.publishedURL.isEmpty ? nil : r.publishedURL)
                : PlatformResult(platform: r.platform, error: r.error.isEmpty ? "failed" : r.error)
        }
    }

    static func stats(_ s: QueueStats) -> V1.QueueStats {
        V1.QueueStats(
            pending: Int64(s.pending), queued: Int64(s.queued), processing: Int64(s.processing),
            completed: Int64(s.completed), failed: Int64(s.failed), cancelled: Int64(s.cancelled), paused: Int64(s.paused),
            avgWaitSeconds: s.avgWaitTime.map(Double.init), avgProcessingSeconds: s.avgProcessingTime.map(Double.init),
            successRate: s.successRate, peakQueueLength: Int64(s.peakQueueLength))
    }

    static func platformCounts(_ c: PlatformQueueCounts) -> V1.PlatformQueueCounts {
        V1.PlatformQueueCounts(
            platform: c.platform, pending: Int64(c.pending), queued: Int64(c.queued), processing: Int64(c.processing),
            completed: Int64(c.completed), failed: Int64(c.failed), cancelled: Int64(c.cancelled), paused: Int64(c.paused))
    }

    static func metrics(_ m: QueueMetrics) -> V1.QueueMetrics {
        V1.QueueMetrics(
            id: m.id, projectID: m.projectID, periodStartMs: m.periodStart.unixMilliseconds,
            periodEndMs: m.periodEnd.unixMilliseconds, totalQueued: Int64(m.totalQueued),
            totalProcessed: Int64(m.totalProcessed), totalCompleted: Int64(m.totalCompleted),
            totalFailed: Int64(m.totalFailed), totalCancelled: Int64(m.totalCancelled),
            avgWaitSeconds: m.avgWaitTime.map(Double.init), avgProcessingSeconds: m.avgProcessingTime.map(Double.init),
            peakQueueLength: Int64(m.peakQueueLength), successRate: m.successRate)
    }

    /// A store error as the caller sees it: the canonical code, the field as a path in the
    /// method's request message (``FieldPaths``), the conflicts that refused an enqueue.
    /// `request` is the request the error answers; it tells which time field a request gave.
    static func error(_ e: StoreError, method: String, request: (any WireMessage)? = nil) -> RPCError {
        let code: StatusCode
        switch e.code {
        case .invalidArgument: code = .invalidArgument
        case .notFound: code = .notFound
        case .alreadyExists: code = .alreadyExists
        case .failedPrecondition: code = .failedPrecondition
        case .resourceExhausted: code = .resourceExhausted
        case .unavailable: code = .unavailable
        case .cancelled: code = .cancelled
        default: code = .internal
        }
        var details = ErrorDetails(conflicts: e.conflicts.map(conflict))
        var message = e.message
        if let field = e.field {
            let time = (request as? any GivesScheduleTime)?.timeField
            // The store's message starts with its own name for the field; the caller sees the
            // request's path instead, or no name when the request has no such field.
            let described = message.hasPrefix(field + ": ") ? String(message.dropFirst(field.count + 2)) : nil
            if let path = FieldPaths.path(for: field, method: method, requestTime: time).map({ "\(method).\($0)" }) {
                details.fieldViolations = [FieldViolation(field: path, description: described ?? message)]
                if let described { message = "\(path): \(described)" }
            } else if let described {
                message = described
            }
        }
        if code == .internal { message = "internal error (storage)" }
        return RPCError(code: code, message: message, details: details)
    }

    /// A method's name in field paths: `BatchPause` → `batch_pause`.
    static func snake(_ s: String) -> String {
        var out = ""
        var previousLower = false
        for c in s {
            if c.isUppercase {
                if previousLower { out.append("_") }
                out.append(contentsOf: c.lowercased())
                previousLower = false
            } else {
                out.append(c)
                previousLower = c.isLowercase || c.isNumber
            }
        }
        return out
    }
}

/// Reads a small JSON object (the stored shorthand config) without Foundation's bridging quirks.
enum JSONValueReader {
    static func object(_ text: String) throws -> [String: Any] {
        guard let data = text.data(using: .utf8),
            let o = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return o
    }
}
