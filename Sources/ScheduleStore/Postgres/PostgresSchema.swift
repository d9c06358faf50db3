import PostgreSQL

/// The PostgreSQL schema: the same tables, columns and indexes as SQLite's (Schema.swift: migration
/// 1 is SQLite's version 5, migration 2 its version 6, migration 4 its version 7, migration 5 its
/// version 8), in PostgreSQL's types, plus the indexes SQLite answers from memory (the occupancy counts);
/// migration 7 moves the CHECK constraints onto domain types (PostgreSQL only). Versioned migrations,
/// applied on start under an advisory lock so that two nodes starting together never migrate at once.
enum PostgresSchema {
    struct Migration {
        var version: Int
        var name: String
        var sql: String
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "schedules, platforms, attempts, results, conflicts, metrics",
            sql: """
                CREATE TABLE schedules (
                    id                  TEXT PRIMARY KEY,
                    content_id          TEXT NOT NULL,
                    project_id          TEXT NOT NULL,
                    scheduled_for       BIGINT NOT NULL,
                    local_time          TEXT NOT NULL,
                    timezone            TEXT NOT NULL DEFAULT 'UTC',
                    nominal_time        BIGINT NOT NULL,
                    platforms           TEXT NOT NULL,
                    published_platforms TEXT NOT NULL DEFAULT '',
                    priority            INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
                    queue_status        TEXT NOT NULL DEFAULT 'PENDING' CHECK (queue_status IN (\(Schema.queueStatuses))),
                    status              TEXT NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN (\(Schema.scheduleStatuses))),
                    queued_at           BIGINT,
                    processing_at       BIGINT,
                    published_at        BIGINT,
                    failed_at           BIGINT,
                    cancelled_at        BIGINT,
                    is_recurring        INTEGER NOT NULL DEFAULT 0 CHECK (is_recurring IN (0, 1)),
                    recurring_pattern   TEXT CHECK (recurring_pattern IN ('daily','weekly','monthly','custom')),
                    recurring_config    TEXT,
                    recurrence_kind     TEXT CHECK (recurrence_kind IN ('RRULE','CRON')),
                    recurrence_text     TEXT,
                    recurrence_start    TEXT,
                    recurring_until     BIGINT,
                    series_id           TEXT,
                    retry_count         INTEGER NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
                    max_retries         INTEGER NOT NULL DEFAULT 3 CHECK (max_retries >= 0),
                    retry_delay         BIGINT NOT NULL DEFAULT 300 CHECK (retry_delay >= 0),
                    publish_delay       BIGINT NOT NULL DEFAULT 0 CHECK (publish_delay >= 0),
                    inngest_job_id      TEXT,
                    lease_owner         TEXT,
                    lease_token         TEXT,
                    lease_expires_at    BIGINT,
                    attempt_count       INTEGER NOT NULL DEFAULT 0,
                    lease_loss_policy   TEXT NOT NULL DEFAULT 'HOLD' CHECK (lease_loss_policy IN ('RETRY','HOLD')),
                    expiry_window       BIGINT CHECK (expiry_window IS NULL OR expiry_window > 0),
                    expires_at          BIGINT,
                    failure_reason      TEXT,
                    notes               TEXT,
                    metadata            TEXT,
                    idempotency_key     TEXT,
                    request_fingerprint TEXT,
                    created_at          BIGINT NOT NULL,
                    updated_at          BIGINT NOT NULL
                );
                CREATE UNIQUE INDEX schedules_idempotency ON schedules(project_id, idempotency_key)
                    WHERE idempotency_key IS NOT NULL;
                CREATE INDEX schedules_due ON schedules(project_id, priority DESC, scheduled_for)
                    WHERE queue_status IN ('PENDING','QUEUED');
                CREATE INDEX schedules_expiry ON schedules(expires_at)
                    WHERE queue_status IN ('PENDING','QUEUED') AND expires_at IS NOT NULL;
                CREATE INDEX schedules_occupancy ON schedules(project_id, scheduled_for)
                    WHERE \(Schema.occupiesSQL);
                CREATE INDEX schedules_status ON schedules(project_id, queue_status, scheduled_for);
                CREATE UNIQUE INDEX schedules_job ON schedules(inngest_job_id) WHERE inngest_job_id IS NOT NULL;
                CREATE INDEX schedules_created ON schedules(project_id, created_at);
                CREATE INDEX schedules_cancelled ON schedules(project_id, cancelled_at) WHERE cancelled_at IS NOT NULL;
                CREATE INDEX schedules_leases ON schedules(lease_expires_at)
                    WHERE queue_status IN ('QUEUED','PROCESSING');
                CREATE UNIQUE INDEX schedules_series ON schedules(series_id, nominal_time) WHERE series_id IS NOT NULL;

                CREATE TABLE schedule_platforms (
                    schedule_id   TEXT NOT NULL,
                    platform      TEXT NOT NULL,
                    project_id    TEXT NOT NULL,
                    published_at  BIGINT,
                    published_url TEXT,
                    PRIMARY KEY (schedule_id, platform)
                );
                CREATE INDEX schedule_platforms_project ON schedule_platforms(project_id, platform);

                CREATE TABLE attempts (
                    schedule_id     TEXT NOT NULL,
                    attempt         INTEGER NOT NULL,
                    project_id      TEXT NOT NULL,
                    worker_id       TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL,
                    due_at          BIGINT NOT NULL,
                    dequeued_at     BIGINT NOT NULL,
                    started_at      BIGINT,
                    ended_at        BIGINT,
                    outcome         TEXT CHECK (outcome IN
                        ('COMPLETED','PARTIAL','RETRY','FAILED','RELEASED','OUTCOME_UNKNOWN','CANCELLED')),
                    error           TEXT,
                    lease_token     TEXT,
                    ended_by        TEXT CHECK (ended_by IN ('COMPLETE','FAIL')),
                    retry_at        BIGINT,
                    PRIMARY KEY (schedule_id, attempt)
                );
                CREATE INDEX attempts_dequeued ON attempts(project_id, dequeued_at);
                CREATE INDEX attempts_ended ON attempts(project_id, ended_at) WHERE ended_at IS NOT NULL;

                CREATE TABLE attempt_results (
                    schedule_id TEXT NOT NULL,
                    attempt     INTEGER NOT NULL,
                    platform    TEXT NOT NULL,
                    success     INTEGER NOT NULL CHECK (success IN (0, 1)),
                    url         TEXT,
                    error       TEXT,
                    reported_at BIGINT NOT NULL,
                    PRIMARY KEY (schedule_id, attempt, platform)
                );

                CREATE TABLE schedule_conflicts (
                    id              TEXT PRIMARY KEY,
                    project_id      TEXT NOT NULL,
                    schedule1_id    TEXT NOT NULL,
                    schedule2_id    TEXT,
                    conflict_type   TEXT NOT NULL CHECK (conflict_type IN (\(Schema.conflictTypes))),
                    conflict_time   BIGINT NOT NULL,
                    conflict_reason TEXT NOT NULL,
                    suggestion      TEXT,
                    platform        TEXT,
                    severity        TEXT NOT NULL CHECK (severity IN (\(Schema.severities))),
                    resolved        INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
                    resolved_at     BIGINT,
                    resolution      TEXT,
                    resolved_by     TEXT,
                    created_at      BIGINT NOT NULL
                );
                CREATE INDEX schedule_conflicts_project ON schedule_conflicts(project_id, resolved, conflict_time);
                CREATE INDEX schedule_conflicts_schedule ON schedule_conflicts(schedule1_id);

                CREATE TABLE queue_metrics (
                    id                  TEXT PRIMARY KEY,
                    project_id          TEXT NOT NULL,
                    period_start        BIGINT NOT NULL,
                    period_end          BIGINT NOT NULL,
                    total_queued        BIGINT NOT NULL DEFAULT 0,
                    total_processed     BIGINT NOT NULL DEFAULT 0,
                    total_completed     BIGINT NOT NULL DEFAULT 0,
                    total_failed        BIGINT NOT NULL DEFAULT 0,
                    total_cancelled     BIGINT NOT NULL DEFAULT 0,
                    avg_wait_time       BIGINT,
                    avg_processing_time BIGINT,
                    peak_queue_length   BIGINT NOT NULL DEFAULT 0,
                    success_rate        DOUBLE PRECISION,
                    UNIQUE (project_id, period_start)
                );
                """),
        // The alert outbox (SQLite's migration 6). Several nodes run the dispatcher: a claim
        // takes rows FOR UPDATE SKIP LOCKED and leases them (`lease_until`), so one node posts
        // each alert.
        Migration(version: 2, name: "the alert outbox", sql: Schema.alertsTable(integer: "BIGINT", json: "")),
        // List sorted by time over a whole project: an index in that order, so a page costs its
        // depth, not a sort of the project (SQLite merges per-status runs of schedules_status
        // instead, docs/STORE.md "List").
        Migration(
            version: 3, name: "list a project by time",
            sql: "CREATE INDEX schedules_project_time ON schedules(project_id, scheduled_for, id)"),
        // ConfirmOutcome's columns (SQLite's migration 7).
        Migration(
            version: 4, name: "attempts keep a person's confirmation of an unknown outcome",
            sql: Schema.confirmationColumns(integer: "BIGINT")),
        // ListConflicts for one schedule (SQLite's migration 8).
        Migration(version: 5, name: "conflicts by their second schedule", sql: Schema.conflictsBySecondSchedule),
        // The live leases by project (PostgreSQL only; SQLite keeps them in memory): the Dequeue's
        // dispatch question seeks a project's first live lease and steps from one dispatching
        // project to the next, ordered index scans that mark finished leases' entries dead as
        // they pass them. Before, the count of dispatching projects read every entry of `schedules_leases`,
        // in a bitmap scan when its plan was made on a young table, and a bitmap scan never marks
        // an entry dead: each Dequeue of an idle project read every lease finished since the
        // last VACUUM (6 ms after 20,000 in the work loop's benchmark).
        Migration(
            version: 6, name: "live leases by project",
            sql: """
                CREATE INDEX schedules_live_leases ON schedules(project_id, lease_expires_at)
                    WHERE queue_status IN ('QUEUED','PROCESSING')
                """),
        // The same rules, carried by domain types instead of the tables' CHECK constraints.
        // PostgreSQL reads a table's CHECK constraints from their stored text again for every
        // INSERT and UPDATE statement (`ExecConstraints`), all of them, whichever columns the
        // statement sets: 12 on `schedules`, ~25 µs of its CPU per statement here, in every
        // Enqueue and twice for every item of the work loop. A domain's constraints are kept
        // planned by each session (its type cache) and checked only for the columns a
        // statement assigns.
        // The columns first become domains without constraints (no rewrite of the table; the
        // partial indexes whose predicate names `queue_status` are rebuilt), then each domain
        // gains its constraint, which checks the rows already stored. The outbox (`alerts`)
        // keeps its CHECKs: it is written once per alert, not per call.
        Migration(version: 7, name: "CHECK constraints carried by domains", sql: checksAsDomains),
    ]

    /// Migration 7's script: one domain per rule, the columns moved onto them, the tables' CHECK
    /// constraints dropped by their generated names, then the rules added to the domains.
    static let checksAsDomains: String = {
        // (domain, base type, rule over VALUE)
        let domains: [(String, String, String)] = [
            ("schedule_priority", "INTEGER", "VALUE BETWEEN 1 AND 10"),
            ("schedule_queue_status", "TEXT", "VALUE IN (\(Schema.queueStatuses))"),
            ("schedule_status", "TEXT", "VALUE IN (\(Schema.scheduleStatuses))"),
            ("schedule_recurring_pattern", "TEXT", "VALUE IN ('daily','weekly','monthly','custom')"),
            ("schedule_recurrence_kind", "TEXT", "VALUE IN ('RRULE','CRON')"),
            ("schedule_lease_loss_policy", "TEXT", "VALUE IN ('RETRY','HOLD')"),
            ("attempt_outcome", "TEXT",
             "VALUE IN ('COMPLETED','PARTIAL','RETRY','FAILED','RELEASED','OUTCOME_UNKNOWN','CANCELLED')"),
            ("attempt_ended_by", "TEXT", "VALUE IN ('COMPLETE','FAIL')"),
            ("attempt_confirmation", "TEXT", "VALUE IN ('PUBLISHED','NOT_PUBLISHED')"),
            ("conflict_type", "TEXT", "VALUE IN (\(Schema.conflictTypes))"),
            ("conflict_severity", "TEXT", "VALUE IN (\(Schema.severities))"),
            ("zero_or_one", "INTEGER", "VALUE IN (0, 1)"),
            ("non_negative_integer", "INTEGER", "VALUE >= 0"),
            ("non_negative_bigint", "BIGINT", "VALUE >= 0"),
            ("positive_bigint", "BIGINT", "VALUE > 0"),
        ]
        // table → (column, domain); each column's CHECK is named `<table>_<column>_check`.
        let columns: [(String, [(String, String)])] = [
            ("schedules", [
                ("priority", "schedule_priority"), ("queue_status", "schedule_queue_status"),
                ("status", "schedule_status"), ("is_recurring", "zero_or_one"),
                ("recurring_pattern", "schedule_recurring_pattern"), ("recurrence_kind", "schedule_recurrence_kind"),
                ("retry_count", "non_negative_integer"), ("max_retries", "non_negative_integer"),
                ("retry_delay", "non_negative_bigint"), ("publish_delay", "non_negative_bigint"),
                ("lease_loss_policy", "schedule_lease_loss_policy"), ("expiry_window", "positive_bigint"),
            ]),
            ("attempts", [
                ("outcome", "attempt_outcome"), ("ended_by", "attempt_ended_by"), ("confirmed", "attempt_confirmation"),
            ]),
            ("attempt_results", [("success", "zero_or_one")]),
            ("schedule_conflicts", [
                ("conflict_type", "conflict_type"), ("severity", "conflict_severity"), ("resolved", "zero_or_one"),
            ]),
        ]
        var sql = domains.map { "CREATE DOMAIN \($0.0) AS \($0.1);" }
        for (table, cols) in columns {
            let types = cols.map { "ALTER COLUMN \($0.0) TYPE \($0.1)" }
            let drops = cols.map { "DROP CONSTRAINT \(table)_\($0.0)_check" }
            sql.append("ALTER TABLE \(table) " + (types + drops).joined(separator: ", ") + ";")
        }
        sql += domains.map { "ALTER DOMAIN \($0.0) ADD CONSTRAINT \($0.0)_check CHECK (\($0.2));" }
        return sql.joined(separator: "\n")
    }()

    /// The advisory lock every node takes to migrate: one at a time, the others wait and then
    /// find nothing left to do.
    static let migrationLock = Connection.advisoryLockKey("scheduler.schema-migrations")

    /// Applies the migrations the database lacks, in one transaction under the migration lock. A database newer than this program is refused. `target` stops
    /// at that version (the tests' older databases).
    static func migrate(_ db: Connection, through target: Int? = nil) throws {
        try db.transaction {
            // A node's connections stop a statement after 30 s and a lock wait after 10 s. A
            // migration on a large table takes longer (migration 7: ~3 s per million schedules
            // here), and a node waits for another's migration on the lock below: neither limit
            // holds inside this transaction.
            _ = try db.execute("SET LOCAL statement_timeout = 0")
            _ = try db.execute("SET LOCAL lock_timeout = 0")
            try db.advisoryTransactionLock(migrationLock)
            try db.executeScript(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let current = try db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").first?.int64(0) ?? 0
            let latest = migrations.last?.version ?? 0
            guard current <= latest else {
                throw StoreError(
                    code: .failedPrecondition,
                    message: "the database's schema (version \(current)) is newer than this program's (\(latest))")
            }
            for m in migrations where m.version > current && m.version <= (target ?? latest) {
                try db.executeScript(m.sql)
                _ = try db.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [.int64(Int64(m.version)), .text(m.name)])
            }
        }
    }
}
