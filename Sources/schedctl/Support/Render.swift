import SchedulerClient
import SchedulingCore
import WireProtocol

/// JSON and text renderings of the service's messages, in the seed API's shape (camelCase keys,
/// ISO-8601 UTC instants; absent instants are null).
enum Render {
    typealias V1 = SchedulerV1

    static func instant(_ ms: Int64) -> JSON { ms == 0 ? .null : .string(Instant(unixMilliseconds: ms).iso8601) }
    static func text(_ ms: Int64) -> String { ms == 0 ? "-" : Instant(unixMilliseconds: ms).iso8601 }

    /// `s` safe to print on a terminal: control characters other than newline and tab (C0, DEL
    /// and C1, e.g. ESC sequences, BEL, carriage return) become visible `\u{…}` escapes. Stored
    /// text (notes, ids, error messages) comes from other callers and must not drive the
    /// terminal that shows it.
    static func terminalSafe(_ s: String) -> String {
        func isControl(_ v: UInt32) -> Bool { (v < 0x20 && v != 0x0A && v != 0x09) || (0x7F...0x9F).contains(v) }
        guard s.unicodeScalars.contains(where: { isControl($0.value) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isControl(u.value) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    static func name<E: WireEnum>(_ e: E, prefix: String) -> String {
        let full = E.protoNames[e.rawValue] ?? "\(e.rawValue)"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }

    static func queue(_ s: V1.QueueStatus) -> String { name(s, prefix: "QUEUE_STATUS_") }
    static func status(_ s: V1.ScheduleStatus) -> String { name(s, prefix: "SCHEDULE_STATUS_") }

    static func recurrence(_ r: V1.Recurrence?) -> JSON {
        switch r {
        case nil: return .null
        case .rrule(let t): return .object([("rrule", .string(t))])
        case .cron(let t): return .object([("cron", .string(t))])
        case .shorthand(let s):
            return .object([
                ("pattern", .string(name(s.pattern, prefix: "RECURRENCE_PATTERN_").lowercased())),
                ("daysOfWeek", .array(s.daysOfWeek.map { .int(Int($0)) })), ("dayOfMonth", s.dayOfMonth == 0 ? .null : .int(Int(s.dayOfMonth))),
                ("hour", .int(Int(s.hour))), ("minute", .int(Int(s.minute))),
            ])
        }
    }

    static func schedule(_ s: V1.Schedule) -> JSON {
        .object([
            ("id", .string(s.id)), ("projectId", .string(s.projectID)), ("contentId", .string(s.contentID)),
            ("scheduledFor", instant(s.scheduledForMs)), ("localTime", .string(s.localTime)), ("timezone", .string(s.timezone)),
            ("platforms", .array(s.platforms.map { .string($0) })), ("priority", .int(Int(s.priority))),
            ("queueStatus", .string(queue(s.queueStatus))), ("status", .string(status(s.status))),
            ("queuedAt", instant(s.queuedAtMs)), ("processingAt", instant(s.processingAtMs)), ("publishedAt", instant(s.publishedAtMs)),
            ("isRecurring", .bool(s.isRecurring)), ("recurrence", recurrence(s.recurrence)),
            ("recurringUntil", instant(s.recurringUntilMs)), ("seriesId", s.seriesID.isEmpty ? .null : .string(s.seriesID)),
            ("retryCount", .int(Int(s.retryCount))), ("maxRetries", .int(Int(s.maxRetries))),
            ("onLeaseLoss", .string(name(s.leaseLossPolicy, prefix: "LEASE_LOSS_POLICY_").lowercased())),
            ("retryDelay", .int(Int(s.retryDelaySeconds))), ("publishDelay", .int(Int(s.publishDelaySeconds))),
            ("lease", s.lease.map { .object([("owner", .string($0.owner)), ("expiresAt", instant($0.expiresAtMs))]) } ?? .null),
            ("publishedPlatforms", .array(s.results.filter(\.success).map { .string($0.platform) })),
            ("results", .array(s.results.map { r in
                .object([("platform", .string(r.platform)), ("success", .bool(r.success)),
                         ("url", r.publishedURL.isEmpty ? .null : .string(r.publishedURL)), ("error", r.error.isEmpty ? .null : .string(r.error))])
            })),
            ("attempts", .array(s.attempts.map { a in
                .object([("number", .int(Int(a.number))), ("worker", .string(a.workerID)), ("startedAt", instant(a.startedAtMs)),
                         ("endedAt", instant(a.endedAtMs)), ("outcome", .string(name(a.outcome, prefix: "ATTEMPT_OUTCOME_"))),
                         ("error", a.error.isEmpty ? .null : .string(a.error)),
                         ("confirmation", a.confirmation.map { c in
                             .object([("published", .bool(c.published)), ("confirmedAt", instant(c.confirmedAtMs)),
                                      ("confirmedBy", .string(c.confirmedBy)), ("note", c.note.isEmpty ? .null : .string(c.note))])
                         } ?? .null)])
            })),
            ("failureReason", s.failureReason.isEmpty ? .null : .string(s.failureReason)),
            ("notes", s.notes.isEmpty ? .null : .string(s.notes)),
            ("metadataJson", s.metadataJSON.isEmpty ? .null : .string(s.metadataJSON)), ("idempotencyKey", s.idempotencyKey.isEmpty ? .null : .string(s.idempotencyKey)),
            ("createdAt", instant(s.createdAtMs)), ("updatedAt", instant(s.updatedAtMs)),
        ])
    }

    static func conflict(_ c: V1.Conflict) -> JSON {
        .object([
            ("type", .string(name(c.type, prefix: "CONFLICT_TYPE_"))), ("severity", .string(name(c.severity, prefix: "CONFLICT_SEVERITY_"))),
            ("reason", .string(c.reason)), ("suggestion", c.suggestion.isEmpty ? .null : .string(c.suggestion)),
            ("conflictingScheduleId", c.conflictingScheduleID.isEmpty ? .null : .string(c.conflictingScheduleID)),
            ("platform", c.platform.isEmpty ? .null : .string(c.platform)), ("time", instant(c.conflictTimeMs)),
            ("suggestedTime", instant(c.suggestedTimeMs)),
        ])
    }

    static func storedConflict(_ c: V1.StoredConflict) -> JSON {
        .object([
            ("id", .string(c.id)), ("projectId", .string(c.projectID)), ("schedule1Id", .string(c.schedule1ID)),
            ("schedule2Id", c.schedule2ID.isEmpty ? .null : .string(c.schedule2ID)),
            ("conflictType", .string(name(c.type, prefix: "CONFLICT_TYPE_"))), ("severity", .string(name(c.severity, prefix: "CONFLICT_SEVERITY_"))),
            ("conflictReason", .string(c.reason)), ("conflictTime", instant(c.conflictTimeMs)), ("resolved", .bool(c.resolved)),
            ("resolvedAt", instant(c.resolvedAtMs)), ("resolution", c.resolution.isEmpty ? .null : .string(c.resolution)),
            ("resolvedBy", c.resolvedBy.isEmpty ? .null : .string(c.resolvedBy)),
        ])
    }

    static func alert(_ a: V1.AlertRecord) -> JSON {
        .object([
            ("id", .string(a.id)), ("projectId", .string(a.projectID)), ("kind", .string(name(a.kind, prefix: "ALERT_KIND_"))),
            ("scheduleId", a.scheduleID.isEmpty ? .null : .string(a.scheduleID)),
            ("platform", a.platform.isEmpty ? .null : .string(a.platform)), ("message", .string(a.message)),
            ("details", .string(a.detailsJSON)), ("createdAt", instant(a.createdAtMs)),
            ("state", .string(name(a.state, prefix: "ALERT_DELIVERY_STATE_"))), ("attempts", .int(Int64(a.attempts))),
            ("nextAttemptAt", instant(a.nextAttemptAtMs)), ("deliveredAt", instant(a.deliveredAtMs)),
            ("lastError", a.lastError.isEmpty ? .null : .string(a.lastError)),
        ])
    }

    static func optional(_ v: Double?) -> JSON { v.map { .double(($0 * 10).rounded() / 10) } ?? .null }

    static func stats(_ s: V1.QueueStats) -> JSON {
        .object([
            ("pending", .int(s.pending)), ("queued", .int(s.queued)), ("processing", .int(s.processing)),
            ("completed", .int(s.completed)), ("failed", .int(s.failed)), ("cancelled", .int(s.cancelled)), ("paused", .int(s.paused)),
            ("avgWaitTime", optional(s.avgWaitSeconds)), ("avgProcessingTime", optional(s.avgProcessingSeconds)),
            ("successRate", optional(s.successRate)), ("peakQueueLength", .int(s.peakQueueLength)),
        ])
    }

    /// One platform's schedules by status (`stats --by-platform`).
    static func platformCounts(_ c: V1.PlatformQueueCounts) -> JSON {
        .object([
            ("platform", .string(c.platform)), ("pending", .int(c.pending)), ("queued", .int(c.queued)),
            ("processing", .int(c.processing)), ("completed", .int(c.completed)), ("failed", .int(c.failed)),
            ("cancelled", .int(c.cancelled)), ("paused", .int(c.paused)),
        ])
    }

    /// The project's pending schedules against its capacity limit (`maxPending` null: no limit).
    static func capacity(_ r: V1.StatsResponse) -> JSON {
        .object([
            ("pending", .int(r.pendingSchedules)),
            ("maxPending", r.maxPendingSchedules > 0 ? .int(r.maxPendingSchedules) : .null),
        ])
    }

    static func metrics(_ m: V1.QueueMetrics) -> JSON {
        .object([
            ("id", .string(m.id)), ("projectId", .string(m.projectID)), ("periodStart", instant(m.periodStartMs)),
            ("periodEnd", instant(m.periodEndMs)), ("totalQueued", .int(m.totalQueued)), ("totalProcessed", .int(m.totalProcessed)),
            ("totalCompleted", .int(m.totalCompleted)), ("totalFailed", .int(m.totalFailed)), ("totalCancelled", .int(m.totalCancelled)),
            ("avgWaitTime", optional(m.avgWaitSeconds)), ("avgProcessingTime", optional(m.avgProcessingSeconds)),
            ("peakQueueLength", .int(m.peakQueueLength)), ("successRate", optional(m.successRate)),
        ])
    }

    /// A compact table of schedules for humans.
    static func table(_ items: [V1.Schedule]) -> String {
        var t = Table("ID", "SCHEDULED FOR (UTC)", "LOCAL", "ZONE", "PLATFORMS", "PRI", "QUEUE", "STATUS")
        for s in items {
            t.add(row: [s.id, text(s.scheduledForMs), s.localTime, s.timezone, s.platforms.joined(separator: ","), "\(s.priority)", queue(s.queueStatus), status(s.status)])
        }
        return t.text
    }

    /// Key: value lines for one schedule.
    static func details(_ s: V1.Schedule) -> String {
        var lines = [
            "id:            \(s.id)", "project:       \(s.projectID)", "content:       \(s.contentID)",
            "scheduled for: \(text(s.scheduledForMs)) (\(s.localTime) \(s.timezone))",
            "platforms:     \(s.platforms.joined(separator: ", "))", "priority:      \(s.priority)",
            "status:        \(queue(s.queueStatus)) / \(status(s.status))", "retries:       \(s.retryCount) of \(s.maxRetries)",
            "on lease loss: \(name(s.leaseLossPolicy, prefix: "LEASE_LOSS_POLICY_").lowercased())",
        ]
        if s.isRecurring, let r = recurrence(s.recurrence) as JSON? { lines.append("recurrence:    \(r.text)") }
        if !s.seriesID.isEmpty { lines.append("series:        \(s.seriesID)") }
        if let l = s.lease { lines.append("lease:         \(l.owner) until \(text(l.expiresAtMs))") }
        if !s.failureReason.isEmpty { lines.append("failure:       \(s.failureReason)") }
        for r in s.results {
            lines.append("result:        \(r.platform) \(r.success ? "published \(r.publishedURL)" : "failed: \(r.error)")")
        }
        for a in s.attempts {
            lines.append("attempt \(a.number):     \(name(a.outcome, prefix: "ATTEMPT_OUTCOME_")) by \(a.workerID) at \(text(a.startedAtMs))\(a.error.isEmpty ? "" : " — \(a.error)")")
            if let c = a.confirmation {
                lines.append("  confirmed:   \(c.published ? "published" : "not published") by \(c.confirmedBy) at \(text(c.confirmedAtMs))\(c.note.isEmpty ? "" : " — \(c.note)")")
            }
        }
        if !s.notes.isEmpty { lines.append("notes:         \(s.notes)") }
        if !s.metadataJSON.isEmpty { lines.append("metadata:      \(s.metadataJSON)") }
        return lines.joined(separator: "\n")
    }

    static func conflictLines(_ conflicts: [V1.Conflict]) -> String {
        conflicts.map { c in
            "  \(name(c.severity, prefix: "CONFLICT_SEVERITY_")) \(name(c.type, prefix: "CONFLICT_TYPE_"))"
                + (c.conflictTimeMs == 0 ? "" : " at \(text(c.conflictTimeMs))") + ": \(c.reason)"
                + (c.suggestion.isEmpty ? "" : " — \(c.suggestion)")
        }.joined(separator: "\n")
    }
}
