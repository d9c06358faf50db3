import SQLite
import SchedulingCore

/// The SQL behind ``ScheduleStore/list(_:)``: the filters, the total count and one page.
struct ListQuery {
    /// `SELECT count(*)` of the filtered schedules; takes ``arguments``.
    let countSQL: String
    /// One page of schedules (``Rows/scheduleColumns``); takes ``arguments``, then the offset.
    let pageSQL: String
    let arguments: [SQLiteValue]

    init(_ request: ListRequest, platform: String?) {
        var conditions = ["s.project_id = ?1"]
        var args: [SQLiteValue] = [.text(request.projectID)]
        if let q = request.queueStatus {
            args.append(.text(q.rawValue))
            conditions.append("s.queue_status = ?\(args.count)")
        }
        if let f = request.from {
            args.append(.integer(f.unixMilliseconds))
            conditions.append("s.scheduled_for >= ?\(args.count)")
        }
        if let t = request.to {
            args.append(.integer(t.unixMilliseconds))
            conditions.append("s.scheduled_for <= ?\(args.count)")
        }
        if let p = platform {
            args.append(.text(p))
            conditions.append(
                "EXISTS (SELECT 1 FROM schedule_platforms sp WHERE sp.schedule_id = s.id AND sp.platform = ?\(args.count))")
        }
        let filter = conditions.joined(separator: " AND ")
        let offset = "?\(args.count + 1)"
        let dir = request.order == .asc ? "ASC" : "DESC"
        arguments = args
        countSQL = "SELECT count(*) FROM schedules s WHERE \(filter)"

        if request.sortBy == .scheduledFor && request.queueStatus == nil {
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
