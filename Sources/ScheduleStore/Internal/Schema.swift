import SQLite

/// The store's schema, one migration per version. Never edit a shipped migration: add one.
enum Schema {
    static let queueStatuses = "'PENDING','QUEUED','PROCESSING','COMPLETED','FAILED','CANCELLED','PAUSED'"
    static let scheduleStatuses = "'SCHEDULED','ACTIVE','PUBLISHED','FAILED','CANCELLED','EXPIRED','SKIPPED'"
    static let conflictTypes = "'SAME_TIME','RATE_LIMIT','RESOURCE','CUSTOM'"
    static let severities = "'INFO','WARNING','ERROR','CRITICAL'"

    /// Statuses whose schedules occupy their slot for the conflict counts (see OccupancySource).
    /// This exact expression appears in the partial indexes and in the queries that use them.
    static let occupiesSQL = "queue_status NOT IN ('CANCELLED','FAILED')"

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "schedules, platforms, attempts, results, conflicts, metrics",
            sql: """
                CREATE TABLE schedules (
                    id                  TEXT PRIMARY KEY,
                    content_id          TEXT NOT NULL,
                    project_id          TEXT NOT NULL,
                    scheduled_for       INTEGER NOT NULL,          -- UTC, Unix ms
                    local_time          TEXT NOT NULL,             -- wall clock in timezone, YYYY-MM-DDTHH:MM:SS
                    timezone            TEXT NOT NULL DEFAULT 'UTC',
                    nominal_time        INTEGER NOT NULL,          -- series slot before retries moved it
                    platforms           TEXT NOT NULL,             -- canonical names, comma-separated (copy of schedule_platforms)
                    published_platforms TEXT NOT NULL DEFAULT '',  -- those already published, comma-separated
                    priority            INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
                    queue_status        TEXT NOT NULL DEFAULT 'PENDING' CHECK (queue_status IN (\(queueStatuses))),
                    status              TEXT NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN (\(scheduleStatuses))),
                    queued_at           INTEGER,
                    processing_at       INTEGER,
                    published_at        INTEGER,
                    failed_at           INTEGER,
                    cancelled_at        INTEGER,
                    is_recurring        INTEGER NOT NULL DEFAULT 0 CHECK (is_recurring IN (0, 1)),
                    recurring_pattern   TEXT CHECK (recurring_pattern IN ('daily','weekly','monthly','custom')),
                    recurring_config    TEXT CHECK (recurring_config IS NULL OR json_valid(recurring_config)),
                    recurrence_kind     TEXT CHECK (recurrence_kind IN ('RRULE','CRON')),
                    recurrence_text     TEXT,
                    recurrence_start    TEXT,                      -- RRULE DTSTART, local wall clock
                    recurring_until     INTEGER,
                    series_id           TEXT,
                    retry_count         INTEGER NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
                    max_retries         INTEGER NOT NULL DEFAULT 3 CHECK (max_retries >= 0),
                    retry_delay         INTEGER NOT NULL DEFAULT 300 CHECK (retry_delay >= 0),
                    publish_delay       INTEGER NOT NULL DEFAULT 0 CHECK (publish_delay >= 0),
                    inngest_job_id      TEXT,                      -- the seed's external job id, unique when set
                    lease_owner         TEXT,
                    lease_token         TEXT,
                    lease_expires_at    INTEGER,
                    attempt_count       INTEGER NOT NULL DEFAULT 0,
                    lease_loss_policy   TEXT NOT NULL DEFAULT 'HOLD' CHECK (lease_loss_policy IN ('RETRY','HOLD')),
                    expiry_window       INTEGER CHECK (expiry_window IS NULL OR expiry_window > 0),
                    expires_at          INTEGER,                   -- scheduled_for + expiry (or catch-up) window
                    failure_reason      TEXT,
                    notes               TEXT,
                    metadata            TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
                    idempotency_key     TEXT,
                    request_fingerprint TEXT,
                    created_at          INTEGER NOT NULL,
                    updated_at          INTEGER NOT NULL
                );
                -- Idempotency keys are unique per project.
                CREATE UNIQUE INDEX schedules_idempotency ON schedules(project_id, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                -- Dequeue: one seek per priority, oldest due first.
                CREATE INDEX schedules_due ON schedules(project_id, priority, scheduled_for)
                    WHERE queue_status IN ('PENDING','QUEUED');
                -- Missed windows across projects.
                CREATE INDEX schedules_expiry ON schedules(expires_at)
                    WHERE queue_status IN ('PENDING','QUEUED') AND expires_at IS NOT NULL;
                -- Conflict counts: same-time ids and the resource window.
                CREATE INDEX schedules_occupancy ON schedules(project_id, scheduled_for, id)
                    WHERE \(occupiesSQL);
                -- List by status, stats per status, in-flight counts.
                CREATE INDEX schedules_status ON schedules(project_id, queue_status, scheduled_for);
                CREATE UNIQUE INDEX schedules_job ON schedules(inngest_job_id) WHERE inngest_job_id IS NOT NULL;
                -- List sorted by creation; metrics by creation day.
                CREATE INDEX schedules_created ON schedules(project_id, created_at);
                CREATE INDEX schedules_cancelled ON schedules(project_id, cancelled_at) WHERE cancelled_at IS NOT NULL;
                -- Lease reaper.
                CREATE INDEX schedules_leases ON schedules(lease_expires_at)
                    WHERE queue_status IN ('QUEUED','PROCESSING');
                -- One row per occurrence of a series: follow-ups are inserted at most once.
                CREATE UNIQUE INDEX schedules_series ON schedules(series_id, nominal_time) WHERE series_id IS NOT NULL;

                -- One row per (schedule, platform): rate-limit counts and per-platform publish state.
                CREATE TABLE schedule_platforms (
                    schedule_id   TEXT NOT NULL,
                    platform      TEXT NOT NULL,
                    project_id    TEXT NOT NULL,
                    scheduled_for INTEGER NOT NULL,   -- kept in step with schedules by a trigger
                    occupies      INTEGER NOT NULL DEFAULT 1,
                    published_at  INTEGER,
                    published_url TEXT,
                    PRIMARY KEY (schedule_id, platform)
                ) WITHOUT ROWID;
                CREATE INDEX schedule_platforms_rate ON schedule_platforms(project_id, platform, scheduled_for)
                    WHERE occupies = 1;
                CREATE TRIGGER schedules_sync_platforms AFTER UPDATE OF scheduled_for, queue_status ON schedules
                WHEN OLD.scheduled_for != NEW.scheduled_for
                  OR (OLD.queue_status IN ('CANCELLED','FAILED')) != (NEW.queue_status IN ('CANCELLED','FAILED'))
                BEGIN
                    UPDATE schedule_platforms
                       SET scheduled_for = NEW.scheduled_for,
                           occupies = (NEW.queue_status NOT IN ('CANCELLED','FAILED'))
                     WHERE schedule_id = NEW.id;
                END;

                -- The audit trail: one row per lease handed out.
                CREATE TABLE attempts (
                    schedule_id     TEXT NOT NULL,
                    attempt         INTEGER NOT NULL,
                    project_id      TEXT NOT NULL,
                    worker_id       TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    due_at          INTEGER NOT NULL,  -- scheduled_for when dequeued (wait time)
                    dequeued_at     INTEGER NOT NULL,
                    started_at      INTEGER,
                    ended_at        INTEGER,
                    outcome         TEXT CHECK (outcome IN
                        ('COMPLETED','PARTIAL','RETRY','FAILED','RELEASED','OUTCOME_UNKNOWN','CANCELLED')),
                    error           TEXT,
                    PRIMARY KEY (schedule_id, attempt)
                ) WITHOUT ROWID;
                CREATE INDEX attempts_dequeued ON attempts(project_id, dequeued_at);
                CREATE INDEX attempts_ended ON attempts(project_id, ended_at) WHERE ended_at IS NOT NULL;

                -- Per-platform outcome of each attempt.
                CREATE TABLE attempt_results (
                    schedule_id TEXT NOT NULL,
                    attempt     INTEGER NOT NULL,
                    platform    TEXT NOT NULL,
                    success     INTEGER NOT NULL CHECK (success IN (0, 1)),
                    url         TEXT,
                    error       TEXT,
                    reported_at INTEGER NOT NULL,
                    PRIMARY KEY (schedule_id, attempt, platform)
                ) WITHOUT ROWID;

                CREATE TABLE schedule_conflicts (
                    id              TEXT PRIMARY KEY,
                    project_id      TEXT NOT NULL,
                    schedule1_id    TEXT NOT NULL,
                    schedule2_id    TEXT,            -- only same-time findings name a second schedule
                    conflict_type   TEXT NOT NULL CHECK (conflict_type IN (\(conflictTypes))),
                    conflict_time   INTEGER NOT NULL,
                    conflict_reason TEXT NOT NULL,
                    suggestion      TEXT,
                    platform        TEXT,
                    severity        TEXT NOT NULL CHECK (severity IN (\(severities))),
                    resolved        INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
                    resolved_at     INTEGER,
                    resolution      TEXT,
                    resolved_by     TEXT,
                    created_at      INTEGER NOT NULL
                );
                CREATE INDEX schedule_conflicts_project ON schedule_conflicts(project_id, resolved, conflict_time);
                CREATE INDEX schedule_conflicts_schedule ON schedule_conflicts(schedule1_id);

                CREATE TABLE queue_metrics (
                    id                  TEXT PRIMARY KEY,
                    project_id          TEXT NOT NULL,
                    period_start        INTEGER NOT NULL,
                    period_end          INTEGER NOT NULL,
                    total_queued        INTEGER NOT NULL DEFAULT 0,
                    total_processed     INTEGER NOT NULL DEFAULT 0,
                    total_completed     INTEGER NOT NULL DEFAULT 0,
                    total_failed        INTEGER NOT NULL DEFAULT 0,
                    total_cancelled     INTEGER NOT NULL DEFAULT 0,
                    avg_wait_time       INTEGER,
                    avg_processing_time INTEGER,
                    peak_queue_length   INTEGER NOT NULL DEFAULT 0,
                    success_rate        REAL,
                    UNIQUE (project_id, period_start)
                );
                """),
        // The conflict counts are answered from memory (OccupancyIndex), so no insert has to
        // write these two indexes any more.
        Migration(
            version: 2, name: "conflict counts in memory",
            sql: """
                DROP INDEX schedules_occupancy;
                DROP INDEX schedule_platforms_rate;
                """),
        // SQLite evaluates `x IN (a, b, c, …)` with more than two constants by building a
        // temporary b-tree of the list each time the statement runs: every INSERT into
        // `schedules` built three of them for its CHECK constraints (~5 µs each here), every
        // status change one more. The same constraints as OR chains cost a few comparisons.
        Migration(version: 3, name: "CHECK constraints as OR chains") { db in
            try CheckRewrite.apply(on: db)
        },
        // Since migration 2 nothing reads schedule_platforms.scheduled_for or .occupies (the
        // rate-limit counts are answered from memory), yet a trigger kept them in step, and any
        // trigger on a table makes every UPDATE of it open a statement journal, which copies
        // each page the statement touches. The columns and the trigger go; DROP COLUMN rewrites
        // schedule_platforms once (seconds for millions of rows).
        Migration(
            version: 4, name: "drop schedule_platforms' copies of the time and status",
            sql: """
                DROP TRIGGER schedules_sync_platforms;
                ALTER TABLE schedule_platforms DROP COLUMN scheduled_for;
                ALTER TABLE schedule_platforms DROP COLUMN occupies;
                """),
        // Worker calls are idempotent per (schedule, lease token): a Complete or Fail whose answer
        // was lost is retried with the same token after the lease is gone, and must get its
        // original result instead of the "stale lease" answer a fenced-off worker gets. An
        // attempt remembers its token, which worker call ended it, and when a Fail's retry is due.
        Migration(
            version: 5, name: "attempts remember their lease token and the call that ended them",
            sql: """
                ALTER TABLE attempts ADD COLUMN lease_token TEXT;
                ALTER TABLE attempts ADD COLUMN ended_by TEXT CHECK (ended_by = 'COMPLETE' OR ended_by = 'FAIL');
                ALTER TABLE attempts ADD COLUMN retry_at INTEGER;
                """),
        // The alert outbox: an alert is written in the transaction of the event that caused it,
        // so it exists exactly when the event committed (kill -9 loses none), and a unique dedupe
        // key keeps one alert per event (or per project, kind and window for thresholds). The
        // dispatcher claims due rows (`lease_until`), posts them, and marks them delivered or
        // schedules the next attempt.
        Migration(version: 6, name: "the alert outbox", sql: alertsTable(integer: "INTEGER", json: "CHECK (json_valid(details))")),
        // ConfirmOutcome: a person's answer for an attempt held as OUTCOME_UNKNOWN is kept beside
        // the outcome the server recorded (which stays as it was), with when, who and a note.
        Migration(
            version: 7, name: "attempts keep a person's confirmation of an unknown outcome",
            sql: confirmationColumns(integer: "INTEGER")),
        // ListConflicts for one schedule: the conflicts naming it second are found by an index too
        // (only same-time findings name a second schedule: a partial index), not by reading every
        // conflict of its project (``ConflictQuery``).
        Migration(version: 8, name: "conflicts by their second schedule", sql: conflictsBySecondSchedule),
    ]

    /// The index of migration 8 (PostgreSQL's migration 5).
    static let conflictsBySecondSchedule =
        "CREATE INDEX schedule_conflicts_schedule2 ON schedule_conflicts(schedule2_id) WHERE schedule2_id IS NOT NULL"

    /// The confirmation columns of `attempts`; PostgreSQL's migration 4 is the same in its types.
    /// `confirmed` is set only on an OUTCOME_UNKNOWN attempt (ConfirmOutcome), once.
    static func confirmationColumns(integer: String) -> String {
        """
        ALTER TABLE attempts ADD COLUMN confirmed TEXT CHECK (confirmed = 'PUBLISHED' OR confirmed = 'NOT_PUBLISHED');
        ALTER TABLE attempts ADD COLUMN confirmed_at \(integer);
        ALTER TABLE attempts ADD COLUMN confirmed_by TEXT;
        ALTER TABLE attempts ADD COLUMN confirmation_note TEXT;
        """
    }

    /// The outbox table and its indexes; PostgreSQL's migration 2 is the same in its types.
    static func alertsTable(integer: String, json: String) -> String {
        """
        CREATE TABLE alerts (
            id              TEXT PRIMARY KEY,
            project_id      TEXT NOT NULL,
            kind            TEXT NOT NULL CHECK (kind = 'SCHEDULE_FAILED' OR kind = 'OUTCOME_UNKNOWN'
                                                 OR kind = 'DUE_BACKLOG' OR kind = 'PLATFORM_LIMIT'),
            dedupe_key      TEXT NOT NULL,
            schedule_id     TEXT,
            platform        TEXT,
            message         TEXT NOT NULL,
            details         TEXT NOT NULL \(json),
            created_at      \(integer) NOT NULL,
            state           TEXT NOT NULL DEFAULT 'PENDING' CHECK (state = 'PENDING' OR state = 'DELIVERED' OR state = 'FAILED'),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at \(integer) NOT NULL,
            lease_until     \(integer),
            delivered_at    \(integer),
            last_error      TEXT
        );
        CREATE UNIQUE INDEX alerts_dedupe ON alerts(dedupe_key);
        CREATE INDEX alerts_due ON alerts(next_attempt_at) WHERE state = 'PENDING';
        CREATE INDEX alerts_project ON alerts(project_id, created_at);
        """
    }
}

/// Rewrites the CHECK constraints of the store's tables in place: `col IN (three or more
/// constants)` becomes `(col = a OR col = b OR …)`, which accepts exactly the same rows (NULL
/// still passes). It changes no stored row, so it edits the tables' definitions in place
/// (``Connection/replaceTableDefinitions(_:)``) instead of copying every table, in the
/// migration's transaction.
enum CheckRewrite {
    /// `sql` with each expandable IN list rewritten; other text untouched.
    static func expand(_ sql: String) -> String {
        let text = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count + 256)
        var i = 0
        while i < text.count {
            if let (end, replacement) = inList(text, at: i) {
                out.append(contentsOf: replacement)
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Matches `identifier IN ( constant, constant, constant… )` starting at `start`, where the
    /// identifier begins at `start` and is not preceded by `NOT`. Constants are single-quoted
    /// strings or integers.
    private static func inList(_ t: [UInt8], at start: Int) -> (end: Int, replacement: [UInt8])? {
        func isWord(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
        }
        func skipSpace(_ j: inout Int) { while j < t.count, t[j] == 0x20 || t[j] == 0x0A || t[j] == 0x09 || t[j] == 0x0D { j += 1 } }
        guard isWord(t[start]), start == 0 || !isWord(t[start - 1]), !(t[start] >= 0x30 && t[start] <= 0x39) else { return nil }
        var j = start
        while j < t.count, isWord(t[j]) { j += 1 }
        let name = Array(t[start..<j])
        // `x NOT IN (…)` is not an OR chain; leave it (and never treat NOT itself as the column).
        if name.map({ $0 | 0x20 }) == Array("not".utf8) { return nil }
        skipSpace(&j)
        guard j + 2 < t.count, t[j] | 0x20 == 0x69, t[j + 1] | 0x20 == 0x6E, !isWord(t[j + 2]) else { return nil }
        j += 2
        skipSpace(&j)
        guard j < t.count, t[j] == 0x28 else { return nil }  // (
        j += 1
        var items: [[UInt8]] = []
        while true {
            skipSpace(&j)
            guard j < t.count else { return nil }
            let itemStart = j
            if t[j] == 0x27 {  // a quoted string; '' is an escaped quote
                j += 1
                while true {
                    guard j < t.count else { return nil }
                    if t[j] == 0x27 {
                        if j + 1 < t.count, t[j + 1] == 0x27 { j += 2; continue }
                        j += 1
                        break
                    }
                    j += 1
                }
            } else {
                if t[j] == 0x2D { j += 1 }  // -
                let digits = j
                while j < t.count, t[j] >= 0x30, t[j] <= 0x39 { j += 1 }
                guard j > digits else { return nil }
            }
            items.append(Array(t[itemStart..<j]))
            skipSpace(&j)
            guard j < t.count else { return nil }
            if t[j] == 0x2C { j += 1; continue }  // ,
            guard t[j] == 0x29 else { return nil }  // )
            j += 1
            break
        }
        guard items.count > 2 else { return nil }
        var r: [UInt8] = [0x28]
        for (k, item) in items.enumerated() {
            if k > 0 { r.append(contentsOf: Array(" OR ".utf8)) }
            r.append(contentsOf: name)
            r.append(contentsOf: Array(" = ".utf8))
            r.append(contentsOf: item)
        }
        r.append(0x29)
        return (j, r)
    }

    static func apply(on db: Connection) throws {
        var changed: [(table: String, sql: String)] = []
        try db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE '%CHECK%' ORDER BY name")
            .forEachRow { r in
                let sql = r.string(1)
                let rewritten = expand(sql)
                if rewritten != sql { changed.append((r.string(0), rewritten)) }
            }
        try db.replaceTableDefinitions(changed)
    }
}
