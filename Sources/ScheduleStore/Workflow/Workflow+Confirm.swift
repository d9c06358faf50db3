import SchedulingCore

extension ScheduleRepository {
    // MARK: ConfirmOutcome

    /// A person's answer for a schedule held as "outcome unknown" (docs/PROTOCOL.md section 4.1).
    ///
    /// Only a FAILED / FAILED schedule whose latest attempt ended OUTCOME_UNKNOWN and has no
    /// confirmation yet is held. Published: COMPLETED / PUBLISHED at the given time (or now), every
    /// platform published, the failure reason cleared. Not published: due now, exactly as
    /// PublishNow. Either way the attempt keeps its OUTCOME_UNKNOWN and gains the confirmation.
    ///
    /// A repeat of the confirmation recorded on the latest attempt (same `published`) returns the
    /// schedule as it is, applying nothing again; the other answer is FAILED_PRECONDITION naming
    /// `published`. A recurring series' next occurrence is not created here: the reaper created
    /// it when it held this one (as for every occurrence that ends), and the series' unique slot
    /// keeps a later Complete of a republished occurrence from adding another.
    func confirmOutcome(_ req: ConfirmOutcomeRequest) throws -> ConfirmResult {
        // Every check that needs no row first, so a bad repeat is refused, not replayed.
        if let by = req.confirmedBy, !by.isEmpty { try Self.checkID(by, "confirmedBy") }
        if let note = req.note, note.utf8.count > StoreLimits.maxTextBytes {
            throw StoreError.invalidArgument("note", "at most \(StoreLimits.maxTextBytes) bytes")
        }
        let now = self.now
        if case .published(let at?, _) = req.outcome {
            guard Instant.supportedRange.contains(at) else {
                throw StoreError.invalidArgument("publishedAt", "outside the supported range (years 1900–9999)")
            }
            guard at <= now else { throw StoreError.invalidArgument("publishedAt", "must not be in the future") }
        }
        if let bad = req.outcome.results.firstIndex(where: { !$0.succeeded }) {
            throw StoreError.invalidArgument(
                "results[\(bad)]", "list only the platforms that went out (each a success)")
        }

        var row = try load(req.projectID, req.scheduleID)
        let n = row.schedule.attemptCount
        let latest = n > 0 ? try attemptState(scheduleID: row.schedule.id, attempt: n) : nil
        if let done = latest?.confirmation {
            guard done.published == req.outcome.published else {
                let answer = done.published ? "published" : "not published"
                throw StoreError(
                    code: .failedPrecondition,
                    message: "already confirmed: attempt \(n) was confirmed \(answer) at \(done.confirmedAt.iso8601)"
                        + "\(done.confirmedBy.map { " by \($0)" } ?? ""); a confirmation is not changed "
                        + "(schedule is \(row.schedule.state))",
                    field: "published", currentState: row.schedule.state)
            }
            return ConfirmResult(schedule: row.schedule, replayed: true)
        }
        guard row.schedule.state == ScheduleState(queue: .failed, schedule: .failed), let held = latest,
            held.outcome == "OUTCOME_UNKNOWN"
        else { throw Self.notHeld(row.schedule, latest: latest) }

        switch req.outcome {
        case .published(let at, let results):
            let publishedAt = at ?? now
            try apply(.confirmPublished, to: &row)
            try recordResults(results, row: &row, now: now, publishedAt: publishedAt)
            // It went out everywhere: the platforms not named are published too, without a URL.
            if !row.schedule.remainingPlatforms.isEmpty {
                try markRemainingPublished(scheduleID: row.schedule.id, at: publishedAt)
                row.schedule.publishedPlatforms = row.schedule.platforms
            }
            row.schedule.publishedAt = publishedAt
            row.schedule.failureReason = nil
            row.failedAt = nil
            row.schedule.updatedAt = now
            try save(&row)
        case .notPublished(let results):
            try recordResults(results, row: &row, now: now)
            guard !row.schedule.remainingPlatforms.isEmpty else {
                throw StoreError.invalidArgument(
                    "results", "names every platform of the schedule: it went out, so confirm it published")
            }
            try publishNow(&row)
        }
        try recordConfirmation(
            scheduleID: row.schedule.id, attempt: n,
            OutcomeConfirmation(
                published: req.outcome.published, confirmedAt: now,
                confirmedBy: req.confirmedBy.flatMap { $0.isEmpty ? nil : $0 },
                note: req.note.flatMap { $0.isEmpty ? nil : $0 }))
        // The attempt now counts as completed, on the day it ended: that day's stored figures
        // change (the rollup only recomputes today). "Not published" changes no figure.
        if req.outcome.published, let ended = held.endedAt {
            try refreshStoredMetrics(project: row.schedule.projectID, day: ended)
        }
        return ConfirmResult(schedule: row.schedule, replayed: false)
    }

    /// Why a schedule is not held for confirmation.
    private static func notHeld(_ schedule: Schedule, latest: AttemptState?) -> StoreError {
        let why: String
        if schedule.state != ScheduleState(queue: .failed, schedule: .failed) {
            why = "the schedule is \(schedule.state)"
        } else if let latest {
            let ended = latest.outcome ?? "IN_PROGRESS"
            why = "its last attempt (\(schedule.attemptCount)) ended \(ended), not OUTCOME_UNKNOWN"
        } else {
            why = "it has no attempts"
        }
        return StoreError(
            code: .failedPrecondition,
            message: "not held for confirmation: \(why) (only a FAILED schedule whose last attempt's outcome is "
                + "unknown can be confirmed)", currentState: schedule.state)
    }
}
