import Foundation
import SQLite
@testable import ScheduleStore
import SchedulingCore

/// One schedule as an older schema version stored it.
struct OldSchedule {
    var id: String
    var project = "p1"
    var minutes: Int64 = 0
    var platforms = ["TWITTER"]
}

extension StoreFixture {
    /// Closes the store and replaces its file with a database at schema `version`, built by that
    /// version's own migrations and holding `schedules` (PENDING, in UTC) written with that
    /// version's columns. Opening a store on it afterwards runs the later migrations.
    func replaceWithDatabase(atVersion version: Int, holding schedules: [OldSchedule]) throws {
        store.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let db = try Connection(path: path)
        defer { try? db.close() }
        try db.migrate(Schema.migrations.filter { $0.version <= version })
        let utc = try config.zones.zone("UTC")
        for s in schedules {
            let at = t0.adding(seconds: s.minutes * 60).unixMilliseconds
            try db.run(
                """
                INSERT INTO schedules (id, content_id, project_id, scheduled_for, local_time, nominal_time, platforms,
                    created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7, ?7)
                """,
                [
                    .text(s.id), .text("content-\(s.minutes)"), .text(s.project), .integer(at),
                    .text(utc.localDateTime(at: t0.adding(seconds: s.minutes * 60)).description),
                    .text(s.platforms.joined(separator: ",")), .integer(t0.unixMilliseconds),
                ])
            for p in s.platforms {
                if version < 4 {
                    try db.run(
                        """
                        INSERT INTO schedule_platforms (schedule_id, platform, project_id, scheduled_for, occupies)
                        VALUES (?1, ?2, ?3, ?4, 1)
                        """, [.text(s.id), .text(p), .text(s.project), .integer(at)])
                } else {
                    try db.run(
                        "INSERT INTO schedule_platforms (schedule_id, platform, project_id) VALUES (?1, ?2, ?3)",
                        [.text(s.id), .text(p), .text(s.project)])
                }
            }
        }
    }
}
