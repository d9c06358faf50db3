import Glibc
import SQLite
import SchedulingCore

extension ScheduleStore {
    /// ``QueueGaugeSource/queueGauges(now:)`` on a reader connection, in one read transaction:
    /// per project one seek for the next project id, one range of the status index for the
    /// depth, one for the due items. File sizes come from the file system.
    public func queueGauges(now: Instant) async throws(StoreError) -> QueueGauges {
        var gauges = try await readers.read { db in
            var projects: [QueueGauges.Project] = []
            let next = try db.cached(QueueGaugeQueries.nextProject)
            let depth = try db.cached(QueueGaugeQueries.depth)
            let due = try db.cached(QueueGaugeQueries.due)
            var after = ""
            while true {
                next.bind(after, at: 1)
                guard let id = try next.firstRow({ $0.optionalString(0) }) ?? nil else { break }
                var project = QueueGauges.Project(projectID: id)
                depth.bind(id, at: 1)
                try depth.forEachRow { row in
                    if let status = QueueStatus(rawValue: row.string(0)) { project.depth[status] = row.int(1) }
                }
                due.bind(id, at: 1)
                due.bind(now.unixMilliseconds, at: 2)
                due.bind(now.unixMilliseconds, at: 3)
                _ = try due.firstRow { row in
                    project.dueBacklog = row.int(0)
                    if !row.isNull(1) { project.oldestDue = Instant(unixMilliseconds: row.int64(1)) }
                }
                projects.append(project)
                after = id
            }
            return QueueGauges(projects: projects)
        }
        gauges.databaseBytes = Self.fileSize(configuration.path)
        gauges.walBytes = Self.fileSize(configuration.path + "-wal") ?? 0
        return gauges
    }

    private static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
