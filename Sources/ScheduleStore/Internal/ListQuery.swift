import SQLite
import SchedulingCore

/// The SQL behind ``ScheduleStore/list(_:)``: the filters, the total count and one page.
struct ListQuery {
    /// `SELECT count(*)` of the filtered schedules; takes ``arguments``.
    let countSQL: String
    /// One page of schedules (``Rows/scheduleColumns``); takes ``arguments``, then the offset.
    let pageSQL: String
    let arguments: [SQLiteValue]

    /// With `postgres`, the SQL is PostgreSQL's: `$N` parameters, and one ordered query (its
    /// planner reads an index in order without the per-status runs SQLite needs).
    init(_ request: ListRequest, platform: String?, postgres: Bool = false) {
        var where_ = SQLFilter(postgres: postgres)
        where_.add("s.project_id = ?", .text(request.projectID))
        if let q = request.queueStatus { where_.add("s.queue_status = ?", .text(q.rawValue)) }
        if let f = request.from { where_.add("s.scheduled_for >= ?", .integer(f.unixMilliseconds)) }
        if let t = request.to { where_.add("s.scheduled_for <= ?", .integer(t.unixMilliseconds)) }
        if let p = platform {
            where_.add(
                "EXISTS (SELECT 1 FROM schedule_platforms sp WHERE sp.schedule_id = s.id AND sp.platform = ?)", .text(p))
        }
        let filter = where_.sql
        let offset = where_.nextParameter
        let dir = request.order == .asc ? "ASC" : "DESC"
        arguments = where_.arguments
        countSQL = "SELECT count(*) FROM schedules s WHERE \(filter)"

        if request.sortBy == .scheduledFor && request.queueStatus == nil && !postgres {
            // Sorting a whole project by time would read and sort every row of it (~0.5 s for
            // a million). schedules_status holds each queue status's rows in time order, so
            // each status gives its first OFFSET + LIMIT rows by an index range, and SQLite
            // merges those sorted runs (MERGE (UNION ALL)): the cost follows the page's depth,
            // not the project's size. Ties in time sort by id, as in the plain query.
            let arms = QueueStatus.allCases.map { status in
                """
                SELECT * FROM (SELECT \(Rows.qualifiedScheduleColumns) FROM schedules s
                 WHERE \(filter) AND s.queue_status = '\(status.rawValue)'
                 ORDER BY s.scheduled_for \(dir), s.id \(dir) LIMIT \(offset) + \(request.limit))
                """
            }
            pageSQL =
                arms.joined(separator: "\nUNION ALL\n")
                + "\nORDER BY scheduled_for \(dir), id \(dir) LIMIT \(request.limit) OFFSET \(offset)"
        } else {
            let column =
                switch request.sortBy {
                case .scheduledFor: "s.scheduled_for"
                case .createdAt: "s.created_at"
                case .priority: "s.priority"
                }
            pageSQL = """
                SELECT \(Rows.qualifiedScheduleColumns) FROM schedules s WHERE \(filter)
                 ORDER BY \(column) \(dir), s.scheduled_for \(dir), s.id \(dir) LIMIT \(request.limit) OFFSET \(offset)
                """
        }
    }
}

/// The SQL behind ``ScheduleStore/listConflicts(_:)`` (and PostgreSQL's): the filters, the total
/// count and one page, newest conflict time first.
struct ConflictQuery {
    /// `SELECT count(*)` of the filtered conflicts; takes ``arguments``.
    let countSQL: String
    /// One page of conflicts (``Rows/conflictColumns``); takes ``arguments``, then the offset.
    let pageSQL: String
    let arguments: [SQLiteValue]

    init(_ request: ConflictListRequest, postgres: Bool = false) {
        var where_ = SQLFilter(postgres: postgres)
        // One schedule's conflicts are found through its two indexes (schedule1_id, and the
        // partial one on schedule2_id), whatever the project's size. SQLite, which keeps no
        // statistics here, would rather search the project's index and read every conflict of the
        // project: the unary `+` keeps it off that index (docs/STORE.md, "Indexes and the queries
        // they serve").
        // PostgreSQL's planner chooses from its statistics.
        let byOne = request.scheduleID != nil && !postgres ? "+" : ""
        where_.add("\(byOne)project_id = ?", .text(request.projectID))
        if !request.includeResolved { where_.add("\(byOne)resolved = 0") }
        if let id = request.scheduleID { where_.add("(schedule1_id = ? OR schedule2_id = ?)", .text(id)) }
        if let f = request.from { where_.add("conflict_time >= ?", .integer(f.unixMilliseconds)) }
        if let t = request.to { where_.add("conflict_time <= ?", .integer(t.unixMilliseconds)) }
        arguments = where_.arguments
        countSQL = "SELECT count(*) FROM schedule_conflicts WHERE \(where_.sql)"
        pageSQL = """
            SELECT \(Rows.conflictColumns) FROM schedule_conflicts WHERE \(where_.sql)
             ORDER BY conflict_time DESC, id DESC LIMIT \(request.limit) OFFSET \(where_.nextParameter)
            """
    }
}

/// WHERE conditions and their numbered parameters, built one filter at a time (``ListQuery``,
/// ``ConflictQuery``).
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var arguments: [SQLiteValue] = []
    /// `?` for SQLite's `?N` parameters, `$` for PostgreSQL's `$N`.
    private let placeholder: String

    init(postgres: Bool = false) { placeholder = postgres ? "$" : "?" }

    /// Adds `condition` with one new parameter holding `value`; every `?` in it stands for that
    /// parameter.
    mutating func add(_ condition: String, _ value: SQLiteValue) {
        arguments.append(value)
        conditions.append(condition.replacingOccurrences(of: "?", with: "\(placeholder)\(arguments.count)"))
    }

    /// Adds a condition without parameters.
    mutating func add(_ condition: String) {
        conditions.append(condition)
    }

    /// The conditions joined with AND.
    var sql: String { conditions.joined(separator: " AND ") }

    /// The placeholder of the parameter after the filter's own (`?N`), e.g. for an OFFSET.
    var nextParameter: String { "\(placeholder)\(arguments.count + 1)" }
}

/// SQL written once for both backends, with SQLite's numbered parameters (`?1`, `?2`…).
enum SQLText {
    /// `sql` with PostgreSQL's parameter markers: `?N` → `$N`. The shared statements hold no `?`
    /// outside parameters (no string literal contains one).
    static func postgres(_ sql: String) -> String { sql.replacingOccurrences(of: "?", with: "$") }
}
