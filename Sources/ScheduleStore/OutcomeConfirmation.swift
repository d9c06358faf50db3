import SchedulingCore

/// What a person found on the platforms after an attempt was held as "outcome unknown" (its
/// lease ran out while the worker was publishing).
public enum ConfirmedOutcome: Sendable, Hashable {
    /// It went out on every platform, at `at` (nil: now, when the confirmation is recorded).
    /// `results` are the platforms' URLs where known; platforms left out are marked published
    /// without one. Every result must be a success.
    case published(at: Instant?, results: [PlatformResult])
    /// It did not go out: the schedule is due now, as after PublishNow. `results` name the
    /// platforms that did go out after all (each a success; they are not published again); at
    /// least one platform must be left to publish.
    case notPublished(results: [PlatformResult])

    /// Whether the person found the post out.
    public var published: Bool {
        if case .published = self { return true }
        return false
    }

    /// The platforms that went out, as given.
    public var results: [PlatformResult] {
        switch self {
        case .published(_, let r), .notPublished(let r): return r
        }
    }
}

/// ConfirmOutcome: a person's answer for a schedule held as "outcome unknown".
public struct ConfirmOutcomeRequest: Sendable, Hashable {
    public var projectID: String
    public var scheduleID: String
    public var outcome: ConfirmedOutcome
    /// Free text kept with the confirmation (who checked, what they saw), at most
    /// ``StoreLimits/maxTextBytes``; nil or empty for none.
    public var note: String?
    /// Who confirmed: the caller's principal (at most ``StoreLimits/maxIDBytes``); nil when unknown.
    public var confirmedBy: String?

    public init(
        projectID: String, scheduleID: String, outcome: ConfirmedOutcome, note: String? = nil,
        confirmedBy: String? = nil
    ) {
        self.projectID = projectID
        self.scheduleID = scheduleID
        self.outcome = outcome
        self.note = note
        self.confirmedBy = confirmedBy
    }
}

/// A confirmation as recorded with the attempt it is about (``AttemptRecord/confirmation``).
///
/// The attempt's own outcome stays OUTCOME_UNKNOWN: that is what the server knew when the lease
/// ran out, and the audit trail does not rewrite it. The confirmation is a second, attributed
/// fact beside it.
public struct OutcomeConfirmation: Sendable, Hashable {
    /// Whether the post went out (on every platform).
    public var published: Bool
    /// When the confirmation was recorded.
    public var confirmedAt: Instant
    /// Who confirmed it (the caller's principal), when known.
    public var confirmedBy: String?
    /// The caller's note, if any.
    public var note: String?

    public init(published: Bool, confirmedAt: Instant, confirmedBy: String? = nil, note: String? = nil) {
        self.published = published
        self.confirmedAt = confirmedAt
        self.confirmedBy = confirmedBy
        self.note = note
    }
}

/// What ConfirmOutcome did.
public struct ConfirmResult: Sendable, Hashable {
    /// The schedule as it now is: COMPLETED / PUBLISHED after a confirmed publish, PENDING and
    /// due now after "not published".
    public var schedule: Schedule
    /// The same confirmation had already been recorded: nothing changed, and the repeat's
    /// results, time and note were not applied.
    public var replayed: Bool

    public init(schedule: Schedule, replayed: Bool) {
        self.schedule = schedule
        self.replayed = replayed
    }
}

extension OutcomeConfirmation {
    /// The columns `attempts` keeps a confirmation in, in the order ``init(columns:_:_:_:)`` reads.
    static let columns = "confirmed, confirmed_at, confirmed_by, confirmation_note"

    /// `confirmed` as stored: PUBLISHED or NOT_PUBLISHED.
    var storedValue: String { published ? "PUBLISHED" : "NOT_PUBLISHED" }

    /// A confirmation from its stored columns; nil when the attempt has none.
    init?(columns confirmed: String?, _ at: Int64?, _ by: String?, _ note: String?) {
        guard let confirmed, let at else { return nil }
        self.init(
            published: confirmed == "PUBLISHED", confirmedAt: Instant(unixMilliseconds: at), confirmedBy: by,
            note: note)
    }
}
