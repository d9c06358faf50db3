import SchedulingCore

extension ScheduleRepository {
    /// Expired leases: QUEUED → PENDING; PROCESSING → the schedule's lease-loss policy.
    func reapExpiredLeases(limit: Int) throws -> ReapResult {
        let now = self.now
        let rows = try expiredLeaseRows(at: now, limit: limit)
        var result = ReapResult()
        for var row in rows {
            if row.schedule.queueStatus == .queued {
                try apply(.leaseExpired, to: &row)
                try closeAttempt(row, outcome: "RELEASED", error: "lease expired before start", at: now)
                clearLease(&row)
                row.schedule.updatedAt = now
                try save(&row)
                result.released += 1
                continue
            }
            switch row.schedule.leaseLossPolicy {
            case .retry:
                let outcome = try decideFailure(
                    &row, error: "lease expired while publishing", retryable: true, now: now,
                    attemptOutcome: "OUTCOME_UNKNOWN")
                if case .retryScheduled = outcome { result.retried += 1 } else { result.failed += 1 }
            case .holdOutcomeUnknown:
                let worker = row.schedule.leaseOwner
                try apply(.outcomeUnknown, to: &row)
                try closeAttempt(row, outcome: "OUTCOME_UNKNOWN", error: "lease expired while publishing", at: now)
                clearLease(&row)
                row.failedAt = now
                row.schedule.failureReason = "outcome unknown: the worker's lease expired while publishing"
                row.schedule.updatedAt = now
                try save(&row)
                try alertOutcomeUnknown(row, worker: worker, at: now)
                result.failed += 1
                result.heldOutcomeUnknown += 1
            }
            if row.schedule.queueStatus.isTerminal { _ = try followUp(after: row) }
        }
        return result
    }

    /// Missed windows: one-offs not started within their expiry window → EXPIRED; recurring
    /// occurrences beyond the catch-up window → SKIPPED, and the series continues with its next
    /// future occurrence.
    func expireMissedWindows(limit: Int) throws -> MissedWindowResult {
        let now = self.now
        let rows = try missedWindowRows(at: now, limit: limit)
        var result = MissedWindowResult()
        for var row in rows {
            // A worker holding a live lease is about to start it: leave it alone.
            if row.schedule.queueStatus == .queued, let e = row.schedule.leaseExpiresAt, e > now { continue }
            let wasQueued = row.schedule.queueStatus == .queued
            let event: LifecycleEvent = row.schedule.isRecurring ? .skip : .expire
            try apply(event, to: &row)
            if wasQueued { try closeAttempt(row, outcome: "RELEASED", error: "missed window", at: now) }
            clearLease(&row)
            if event == .expire {
                row.failedAt = now
                row.schedule.failureReason =
                    "missed window: not started within \(row.schedule.expiryWindowSeconds ?? 0) s"
                result.expired += 1
            } else {
                row.cancelledAt = now
                row.schedule.failureReason = "skipped: not started within the catch-up window"
                result.skipped += 1
            }
            row.schedule.updatedAt = now
            try save(&row)
            if row.schedule.isRecurring, try followUp(after: row, notBefore: now) != nil { result.followUps += 1 }
        }
        return result
    }
}
