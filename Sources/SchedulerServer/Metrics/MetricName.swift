import ScheduleStore

/// The names of the metrics on `/metrics` and their meanings (the `# HELP` lines); the table in
/// docs/OPERATIONS.md lists the same, and a test keeps the two in step.
public enum MetricName {
    // RPC and connections
    /// Counter; labels `method`, `code`.
    public static let rpcCalls = "scheduler_rpc_calls_total"
    /// Histogram (seconds); label `method`.
    public static let rpcDuration = "scheduler_rpc_call_duration_seconds"
    /// Gauge, read when scraped.
    public static let rpcInFlight = "scheduler_rpc_calls_in_flight"
    /// Gauge, read when scraped.
    public static let connectionsOpen = "scheduler_connections_open"
    /// Gauge, read when scraped.
    public static let connectionsUnauthenticated = "scheduler_connections_unauthenticated"
    /// Counter.
    public static let connectionsAccepted = "scheduler_connections_accepted_total"
    /// Counter, following the listener's total when scraped.
    public static let connectionsRefused = "scheduler_connections_refused_total"
    /// Counter.
    public static let tlsHandshakes = "scheduler_tls_handshakes_total"
    /// Counter.
    public static let tlsHandshakeFailures = "scheduler_tls_handshake_failures_total"
    /// Counter; label `reason` (shutdown, bad_frame, protocol_violation, unauthenticated_calls).
    public static let goAways = "scheduler_goaways_total"
    // Queue (read from the store when scraped)
    /// Gauge, read from the store; labels `project`, `status`.
    public static let queueDepth = "scheduler_queue_depth"
    /// Gauge, read from the store; label `project`.
    public static let queueDue = "scheduler_queue_due"
    /// Gauge (seconds), read from the store; label `project`.
    public static let queueOldestDueAge = "scheduler_queue_oldest_due_age_seconds"
    // Work
    /// Counter.
    public static let leasesGranted = "scheduler_leases_granted_total"
    /// Counter; label `outcome`.
    public static let leasesExpired = "scheduler_leases_expired_total"
    /// Counter; label `cause`.
    public static let retries = "scheduler_retries_total"
    /// Counter.
    public static let outcomeUnknownHolds = "scheduler_outcome_unknown_holds_total"
    /// Counter; label `outcome`.
    public static let finished = "scheduler_publishes_finished_total"
    /// Counter; label `published`.
    public static let outcomeConfirmations = "scheduler_outcome_confirmations_total"
    /// Counter; label `outcome`.
    public static let missedWindows = "scheduler_missed_windows_total"
    /// Counter; labels `type`, `severity`.
    public static let conflicts = "scheduler_conflicts_found_total"
    /// Counter.
    public static let autoResolved = "scheduler_auto_resolved_total"
    // Store
    /// Gauge, read from the store.
    public static let databaseBytes = "scheduler_store_database_bytes"
    /// Gauge, read from the store.
    public static let walBytes = "scheduler_store_wal_bytes"
    // Alerts
    /// Counter; labels `kind`, `result`.
    public static let alertDeliveries = "scheduler_alert_deliveries_total"
    // Maintenance and scraping
    /// Counter; label `result`.
    public static let maintenanceRuns = "scheduler_maintenance_runs_total"
    /// Histogram (seconds).
    public static let maintenanceDuration = "scheduler_maintenance_duration_seconds"
    /// Counter.
    public static let scrapeStoreErrors = "scheduler_scrape_store_errors_total"

    /// Every metric's `# HELP` text, the store's own included (``StoreMetrics/help``).
    public static let help: [String: String] = StoreMetrics.help.merging(
        [
            rpcCalls: "RPC calls answered, by method and status code (calls to unknown methods: method=\"unknown\").",
            rpcDuration: "Time from a call's arrival to its handler's answer, by method, in seconds.",
            rpcInFlight: "RPC calls being handled now.",
            connectionsOpen: "Open client connections (handshaking included).",
            connectionsUnauthenticated: "Open connections that have not yet made a call with valid credentials.",
            connectionsAccepted: "Connections accepted and admitted since start.",
            connectionsRefused: "Connections closed right after accept by a connection limit.",
            tlsHandshakes: "TLS handshakes completed.",
            tlsHandshakeFailures: "Connections that closed before their TLS handshake completed (refused, timed out or reset).",
            goAways: "Go-away frames sent, by reason (shutdown, bad_frame, protocol_violation, unauthenticated_calls).",
            queueDepth: "Schedules in the queue by project and status (PENDING, QUEUED, PROCESSING, PAUSED).",
            queueDue: "PENDING schedules whose time has come, waiting for a worker, by project (the due backlog).",
            queueOldestDueAge: "How long the oldest due PENDING schedule has waited, by project, in seconds (dispatch lag; 0 when none).",
            leasesGranted: "Leases handed to workers by Dequeue.",
            leasesExpired: "Leases that ran out, by what the reaper did (released, retried, failed, outcome_unknown).",
            retries: "Retries scheduled, by cause (fail: a worker's retryable Fail; lease_expired: a lost lease under policy RETRY).",
            outcomeUnknownHolds: "Items held as FAILED \"outcome unknown\" for a person to confirm after their lease ran out mid-publish.",
            finished: "Complete and Fail reports applied, by outcome (completed, completed_partially, failed, retry_scheduled).",
            outcomeConfirmations: "Items held as \"outcome unknown\" that a person confirmed (ConfirmOutcome), by whether the post went out (published true, false).",
            missedWindows: "Items not started within their window, by outcome (expired one-offs, skipped recurring occurrences).",
            conflicts: "Conflicts found when schedules were enqueued, updated or rescheduled (stored or refused), by type and severity.",
            autoResolved: "Schedules that auto-resolve moved to a free slot.",
            databaseBytes: "Size of the database file in bytes.",
            walBytes: "Size of the write-ahead log file in bytes.",
            alertDeliveries: "Alert webhook deliveries by this node, by alert kind and result (delivered: a 2xx answer; retry: failed, to be tried again; gave_up: its last attempt failed, or no webhook for its project).",
            maintenanceRuns: "Maintenance passes (lease reaper, missed windows, metrics rollup), by result (ok, error).",
            maintenanceDuration: "Time one maintenance pass took, in seconds.",
            scrapeStoreErrors: "Scrapes whose queue figures could not be read from the store (the previous figures were served).",
        ], uniquingKeysWith: { a, _ in a })
}
