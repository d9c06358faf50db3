import SchedulingCore

/// Alerts are written to the outbox inside the transaction of the event that causes them (a
/// schedule failing, an attempt held as outcome unknown, an Enqueue that fills a platform's
/// hour), so an alert exists exactly when its event committed. Each has a dedupe key: one
/// alert per event, and one per project, kind and window for the threshold alerts.
extension ScheduleRepository {
    /// A schedule reached FAILED (its last retry, or a non-retryable failure).
    func alertScheduleFailed(_ row: Rows.Row, error: String, at now: Instant) throws {
        let sc = row.schedule
        guard config.alerts.rules(for: sc.projectID)?.scheduleFailed == true else { return }
        let details = AlertJSON.object([
            ("contentId", .string(sc.contentID)), ("error", .string(error)), ("attempts", .int(Int64(sc.attemptCount))),
            ("retries", .int(Int64(sc.retryCount))), ("maxRetries", .int(Int64(sc.maxRetries))),
            ("platforms", .strings(sc.platforms)), ("publishedPlatforms", .strings(sc.publishedPlatforms)),
            ("scheduledFor", .string(sc.scheduledFor.iso8601)),
        ])
        _ = try insertAlert(
            NewAlert(
                alert: Alert(
                    id: IDs.make("alr_", now: now), projectID: sc.projectID, kind: .scheduleFailed, scheduleID: sc.id,
                    message: "schedule \(sc.id) (content \(sc.contentID)) failed after \(sc.attemptCount) attempt(s): "
                        + String(error.prefix(200)),
                    detailsJSON: details, createdAt: now),
                dedupeKey: "SCHEDULE_FAILED/\(sc.id)/\(sc.attemptCount)"))
    }

    /// An attempt is held as "outcome unknown" (its lease ran out mid-publish, policy HOLD).
    func alertOutcomeUnknown(_ row: Rows.Row, worker: String?, at now: Instant) throws {
        let sc = row.schedule
        guard config.alerts.rules(for: sc.projectID)?.outcomeUnknown == true else { return }
        let details = AlertJSON.object([
            ("contentId", .string(sc.contentID)), ("attempt", .int(Int64(sc.attemptCount))),
            ("worker", worker.map(AlertJSON.Value.string) ?? .null), ("platforms", .strings(sc.platforms)),
            ("publishedPlatforms", .strings(sc.publishedPlatforms)), ("scheduledFor", .string(sc.scheduledFor.iso8601)),
        ])
        _ = try insertAlert(
            NewAlert(
                alert: Alert(
                    id: IDs.make("alr_", now: now), projectID: sc.projectID, kind: .outcomeUnknown, scheduleID: sc.id,
                    message: "schedule \(sc.id) (content \(sc.contentID)): outcome unknown, the worker's lease "
                        + "expired while publishing; check the platforms before acting",
                    detailsJSON: details, createdAt: now),
                dedupeKey: "OUTCOME_UNKNOWN/\(sc.id)/\(sc.attemptCount)"))
    }

    /// After an Enqueue stored `schedule`, or an Update or Reschedule moved it or changed its
    /// platforms: a PLATFORM_LIMIT alert for each of its platforms whose
    /// count within the rate-limit window around it (the conflict rule's count, the new schedule
    /// included) reached the project's fraction of the hourly limit. At most one per project,
    /// platform and UTC hour of the schedule's time.
    func alertPlatformLoad(_ schedule: Schedule) throws {
        guard let fraction = config.alerts.rules(for: schedule.projectID)?.platformLimitFraction else { return }
        let policy = checker(for: schedule.projectID).policy
        let w = policy.rateLimitWindowSeconds
        let window = schedule.scheduledFor.adding(seconds: -w)...schedule.scheduledFor.adding(seconds: w)
        let now = self.now
        for platform in schedule.platforms {
            guard let limit = policy.rateLimits.limit(for: platform) else { continue }
            let threshold = max(1, Int((Double(limit) * fraction).rounded(.up)))
            let n = try occupancy.count(project: schedule.projectID, platform: platform, in: window, excluding: nil)
            guard n >= threshold else { continue }
            let hour = floorDiv(schedule.scheduledFor.unixMilliseconds, 3_600_000)
            let details = AlertJSON.object([
                ("platform", .string(platform)), ("count", .int(Int64(n))), ("limit", .int(Int64(limit))),
                ("fraction", .double(fraction)), ("hourStart", .string(Instant(unixMilliseconds: hour * 3_600_000).iso8601)),
                ("windowSeconds", .int(w)), ("scheduledFor", .string(schedule.scheduledFor.iso8601)),
            ])
            _ = try insertAlert(
                NewAlert(
                    alert: Alert(
                        id: IDs.make("alr_", now: now), projectID: schedule.projectID, kind: .platformLimit,
                        scheduleID: schedule.id, platform: platform,
                        message: "\(platform): \(n) posts within an hour of \(schedule.scheduledFor.iso8601), "
                            + "limit \(limit)/hour (alert at \(threshold))",
                        detailsJSON: details, createdAt: now),
                    dedupeKey: "PLATFORM_LIMIT/\(schedule.projectID)/\(platform)/\(hour)"))
        }
    }

    /// DUE_BACKLOG alerts from a read of the queue: one per project whose oldest due item has
    /// waited at least the project's threshold, at most once per project and threshold window.
    func recordBacklogAlerts(_ gauges: QueueGauges) throws -> Int {
        let now = self.now
        let windowMs = max(1, config.alerts.thresholdWindowSeconds) * 1000
        var written = 0
        for p in gauges.projects {
            guard let threshold = config.alerts.rules(for: p.projectID)?.dueWaitingSeconds, let oldest = p.oldestDue
            else { continue }
            let waited = (now.unixMilliseconds - oldest.unixMilliseconds) / 1000
            guard waited >= threshold else { continue }
            let window = floorDiv(now.unixMilliseconds, windowMs)
            let details = AlertJSON.object([
                ("due", .int(Int64(p.dueBacklog))), ("oldestDueAt", .string(oldest.iso8601)),
                ("waitedSeconds", .int(waited)), ("thresholdSeconds", .int(threshold)),
                ("windowStart", .string(Instant(unixMilliseconds: window * windowMs).iso8601)),
            ])
            let inserted = try insertAlert(
                NewAlert(
                    alert: Alert(
                        id: IDs.make("alr_", now: now), projectID: p.projectID, kind: .dueBacklog,
                        message: "\(p.dueBacklog) due item(s) waiting; the oldest for \(waited) s (threshold \(threshold) s)",
                        detailsJSON: details, createdAt: now),
                    dedupeKey: "DUE_BACKLOG/\(p.projectID)/\(window)"))
            if inserted { written += 1 }
        }
        return written
    }

    private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// A small JSON writer for alert details (the store has no Foundation dependency for this).
enum AlertJSON {
    indirect enum Value {
        case string(String), int(Int64), double(Double), bool(Bool), null, strings([String])
    }

    static func object(_ fields: [(String, Value)]) -> String {
        "{" + fields.map { "\(quote($0.0)):\(render($0.1))" }.joined(separator: ",") + "}"
    }

    static func render(_ v: Value) -> String {
        switch v {
        case .string(let s): return quote(s)
        case .int(let n): return String(n)
        case .double(let d): return d.isFinite ? String(d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .strings(let a): return "[" + a.map(quote).joined(separator: ",") + "]"
        }
    }

    static func quote(_ s: String) -> String { JSONString.quote(s) }
}
