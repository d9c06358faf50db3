import SQLite
import SchedulingCore
import Synchronization

/// The conflict checks' view of the schedules table, kept in memory: per project, the occupying
/// schedules sorted by time; per project and platform, the same for that platform.
///
/// It replaces four indexed range queries per validation and two indexes that every insert had
/// to write. It is filled from the table when the store opens and kept in step by TEMP triggers
/// on the writer's connection, which call ``install(on:)``'s functions for every row change
/// whatever statement makes it. Changes are journaled so the writer can undo those of an
/// operation whose savepoint rolled back, or of a batch that did not commit.
///
/// Readers (``ScheduleStore/checkConflicts``) query it under the same lock; they can see the
/// writer's batch a moment before its COMMIT returns, which for an advisory check is harmless.
final class OccupancyIndex: Sendable, OccupancySource {
    private let state = Mutex(State())

    /// SQL for the writer's connection: the schedules that count, and the triggers that report
    /// changes to them. TEMP triggers live with the connection, not in the schema.
    static let occupyingRows = """
        SELECT project_id, id, scheduled_for, platforms FROM schedules
         WHERE queue_status NOT IN ('CANCELLED','FAILED')
        """

    private static let occupies = "queue_status NOT IN ('CANCELLED','FAILED')"

    static let triggers = """
        CREATE TEMP TRIGGER occupancy_insert AFTER INSERT ON main.schedules
        WHEN NEW.\(occupies)
        BEGIN
            SELECT occupancy_add(NEW.project_id, NEW.id, NEW.scheduled_for, NEW.platforms);
        END;
        CREATE TEMP TRIGGER occupancy_update AFTER UPDATE OF scheduled_for, queue_status, platforms ON main.schedules
        WHEN OLD.scheduled_for != NEW.scheduled_for OR OLD.platforms != NEW.platforms
          OR (OLD.\(occupies)) != (NEW.\(occupies))
        BEGIN
            SELECT occupancy_remove(OLD.project_id, OLD.id, OLD.scheduled_for, OLD.platforms) WHERE OLD.\(occupies);
            SELECT occupancy_add(NEW.project_id, NEW.id, NEW.scheduled_for, NEW.platforms) WHERE NEW.\(occupies);
        END;
        CREATE TEMP TRIGGER occupancy_delete AFTER DELETE ON main.schedules
        WHEN OLD.\(occupies)
        BEGIN
            SELECT occupancy_remove(OLD.project_id, OLD.id, OLD.scheduled_for, OLD.platforms);
        END;
        """

    /// Registers the trigger functions and triggers on the writer's connection, then loads every
    /// occupying schedule (a scan, once per open: about a second per million rows).
    func install(on db: Connection) throws {
        try db.createFunction("occupancy_add", argumentCount: 4) { [self] args throws(Connection.FunctionError) in
            let (project, id, time, platforms) = try Self.arguments(args)
            add(project: project, id: id, time: time, platforms: platforms)
        }
        try db.createFunction("occupancy_remove", argumentCount: 4) { [self] args throws(Connection.FunctionError) in
            let (project, id, time, platforms) = try Self.arguments(args)
            remove(project: project, id: id, time: time, platforms: platforms)
        }
        try db.execute(Self.triggers)
        let s = try db.prepare(Self.occupyingRows)
        var loaded = State()
        try s.forEachRow { row in
            loaded.apply(
                .init(add: true, project: row.string(0), id: row.string(1), time: row.int64(2), platforms: row.string(3)))
        }
        state.withLock { $0 = loaded }
    }

    private static func arguments(_ args: [SQLiteValue]) throws(Connection.FunctionError)
        -> (String, String, Int64, String)
    {
        guard args.count == 4, case .text(let project) = args[0], case .text(let id) = args[1],
            case .integer(let time) = args[2], case .text(let platforms) = args[3]
        else { throw Connection.FunctionError("occupancy: unexpected arguments \(args)") }
        return (project, id, time, platforms)
    }

    // MARK: Writer side

    func add(project: String, id: String, time: Int64, platforms: String) {
        state.withLock { $0.record(.init(add: true, project: project, id: id, time: time, platforms: platforms)) }
    }

    func remove(project: String, id: String, time: Int64, platforms: String) {
        state.withLock { $0.record(.init(add: false, project: project, id: id, time: time, platforms: platforms)) }
    }

    /// The journal position: ``undo(to:)`` reverts the changes made after it.
    func mark() -> Int { state.withLock { $0.journal.count } }

    /// Reverts the changes journaled after `mark`, newest first (their savepoint rolled back).
    func undo(to mark: Int) {
        state.withLock { s in
            while s.journal.count > mark {
                var change = s.journal.removeLast()
                change.add.toggle()
                s.apply(change)
            }
        }
    }

    /// The batch committed: its changes are final.
    func commit() { state.withLock { $0.journal.removeAll(keepingCapacity: true) } }

    /// Every entry as "project time id" and "project/platform time id", sorted (tests compare
    /// this with the table).
    func entries() -> [String] {
        state.withLock { s in
            var out: [String] = []
            for (project, e) in s.projects {
                e.forEach(in: Int64.min...Int64.max) { out.append("\(project) \($0.time) \($0.id)"); return true }
            }
            for (key, e) in s.platforms {
                e.forEach(in: Int64.min...Int64.max) {
                    out.append("\(key.project)/\(key.platform) \($0.time) \($0.id)")
                    return true
                }
            }
            return out.sorted()
        }
    }

    // MARK: OccupancySource

    func scheduleIDs(project: String, in window: ClosedRange<Instant>, excluding: String?, limit: Int) throws
        -> [String]
    {
        state.withLock { s in
            var ids: [String] = []
            s.projects[project]?.forEach(in: Self.range(window)) { e in
                if e.id != excluding { ids.append(e.id) }
                return ids.count < limit
            }
            return ids
        }
    }

    func count(project: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int {
        state.withLock { s in s.projects[project]?.count(in: Self.range(window), excluding: excluding) ?? 0 }
    }

    func count(project: String, platform: String, in window: ClosedRange<Instant>, excluding: String?) throws -> Int {
        state.withLock { s in
            s.platforms[PlatformKey(project: project, platform: platform)]?
                .count(in: Self.range(window), excluding: excluding) ?? 0
        }
    }

    private static func range(_ w: ClosedRange<Instant>) -> ClosedRange<Int64> {
        w.lowerBound.unixMilliseconds...w.upperBound.unixMilliseconds
    }

    // MARK: State

    struct PlatformKey: Hashable {
        var project: String
        var platform: String
    }

    struct Change {
        var add: Bool
        var project: String
        var id: String
        var time: Int64
        /// Comma-separated canonical names, as in `schedules.platforms`.
        var platforms: String
    }

    struct State {
        var projects: [String: SortedEntries] = [:]
        var platforms: [PlatformKey: SortedEntries] = [:]
        var journal: [Change] = []

        mutating func record(_ change: Change) {
            apply(change)
            journal.append(change)
        }

        mutating func apply(_ c: Change) {
            let entry = SortedEntries.Entry(time: c.time, id: c.id)
            if c.add {
                projects[c.project, default: SortedEntries()].insert(entry)
            } else if projects[c.project]?.remove(entry) == true, projects[c.project]?.count == 0 {
                projects[c.project] = nil
            }
            for p in c.platforms.split(separator: ",") {
                let key = PlatformKey(project: c.project, platform: String(p))
                if c.add {
                    platforms[key, default: SortedEntries()].insert(entry)
                } else if platforms[key]?.remove(entry) == true, platforms[key]?.count == 0 {
                    platforms[key] = nil
                }
            }
        }
    }
}

/// A sorted multiset of (time, id) in chunks of at most 512: inserts and removals move at most
/// one chunk's elements, and a time range is found by two binary searches.
struct SortedEntries {
    struct Entry: Comparable {
        var time: Int64
        var id: String
        static func < (a: Entry, b: Entry) -> Bool { a.time != b.time ? a.time < b.time : a.id < b.id }
    }

    private static let maxChunk = 512
    private var chunks: [[Entry]] = []
    private(set) var count = 0

    /// The first chunk whose last entry is not below `e`; `chunks.count` when there is none.
    private func chunk(for e: Entry) -> Int {
        var lo = 0
        var hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid][chunks[mid].count - 1] < e { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private static func lowerBound(_ a: [Entry], _ e: Entry) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < e { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    mutating func insert(_ e: Entry) {
        count += 1
        if chunks.isEmpty {
            chunks.append([e])
            return
        }
        let c = min(chunk(for: e), chunks.count - 1)
        chunks[c].insert(e, at: Self.lowerBound(chunks[c], e))
        if chunks[c].count > Self.maxChunk {
            let half = Self.maxChunk / 2
            let tail = Array(chunks[c][half...])
            chunks[c].removeSubrange(half...)
            chunks.insert(tail, at: c + 1)
        }
    }

    /// Removes one entry equal to `e`; false when there is none.
    mutating func remove(_ e: Entry) -> Bool {
        let c = chunk(for: e)
        guard c < chunks.count else { return false }
        let i = Self.lowerBound(chunks[c], e)
        guard i < chunks[c].count, chunks[c][i] == e else { return false }
        chunks[c].remove(at: i)
        if chunks[c].isEmpty { chunks.remove(at: c) }
        count -= 1
        return true
    }

    /// Visits the entries with a time in `range`, in order, while `body` returns true.
    func forEach(in range: ClosedRange<Int64>, _ body: (Entry) -> Bool) {
        let start = Entry(time: range.lowerBound, id: "")
        var c = chunk(for: start)
        guard c < chunks.count else { return }
        var i = Self.lowerBound(chunks[c], start)
        while c < chunks.count {
            let chunk = chunks[c]
            while i < chunk.count {
                let e = chunk[i]
                if e.time > range.upperBound || !body(e) { return }
                i += 1
            }
            c += 1
            i = 0
        }
    }

    func count(in range: ClosedRange<Int64>, excluding: String?) -> Int {
        var n = 0
        forEach(in: range) { e in
            if e.id != excluding { n += 1 }
            return true
        }
        return n
    }
}
