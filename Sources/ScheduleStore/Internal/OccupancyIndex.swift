import SQLite
import SchedulingCore
import Synchronization

/// The conflict checks' view of the schedules table, kept in memory: per project, the occupying
/// schedules sorted by time; per project and platform, the same for that platform. Beside it,
/// per project, the leases handed out (for the "projects dispatching at once" limit).
///
/// It replaces four indexed range queries per validation and two indexes that every insert had
/// to write. It is filled from the table when the store opens and kept in step by SQLite's
/// pre-update hook on the writer's connection (``install(on:)``), which sees every row change
/// whatever statement makes it. Changes are journaled so the writer can undo those of an
/// operation that failed, or of a batch that did not commit.
///
/// Readers (``ScheduleStore/checkConflicts``) query it under the same lock; they can see the
/// writer's batch a moment before its COMMIT returns, which for an advisory check is harmless.
final class OccupancyIndex: Sendable, OccupancySource {
    private let state = Mutex(State())
    /// Entries with a time this far before now are dropped (``evict(now:)``), milliseconds.
    private let horizonMilliseconds: Int64

    /// `horizonSeconds` is clamped to 1 s … 100 years.
    init(horizonSeconds: Int64 = 35 * 86_400) {
        horizonMilliseconds = min(max(horizonSeconds, 1), 100 * 366 * 86_400) * 1000
    }

    /// The schedules that count.
    static let occupyingRows = """
        SELECT project_id, id, scheduled_for, platforms FROM schedules
         WHERE queue_status NOT IN ('CANCELLED','FAILED')
        """

    /// The rows holding a lease (live or lapsed): the dispatching-projects view.
    static let leasedRows = """
        SELECT project_id, id, lease_expires_at FROM schedules INDEXED BY schedules_leases
         WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at IS NOT NULL
        """

    /// PENDING and QUEUED schedules per project and priority: a read of `schedules_due` alone
    /// (its rows are exactly these, its key leads with project and priority).
    static let dueByPriority = """
        SELECT project_id, priority, count(*) FROM schedules INDEXED BY schedules_due
         WHERE queue_status IN ('PENDING','QUEUED') GROUP BY project_id, priority
        """

    /// The time before which entries are dropped, for a clock reading `now`.
    func horizon(now: Instant) -> Int64 { now.unixMilliseconds - horizonMilliseconds }

    /// Registers the pre-update hook that keeps the index in step with every row change of
    /// `schedules` on the writer's connection, then loads every occupying schedule (a scan,
    /// once per open: about a second per million rows).
    func install(on db: Connection, now: Instant) throws {
        let c = try Columns(db)
        try db.setPreUpdateHook(table: "schedules") { [self] borrowed in
            let change = copy borrowed
            if change.kind == .insert, let row = announced.withLock({ a in defer { a = nil }; return a }) {
                record(from: nil, to: row)
                return
            }
            if change.kind == .update, let update = announcedUpdate.withLock({ a in defer { a = nil }; return a }) {
                record(from: update.old, to: update.new)
                return
            }
            // A change the writer did not announce: read both versions of the record.
            let old = change.kind == .insert ? nil : Self.rowState(change.old, c)
            let new = change.kind == .delete ? nil : Self.rowState(change.new, c)
            // The row may differ from a copy kept.
            if let old, hasLeasedRows() { forgetLeased(old.id) }
            record(from: old, to: new)
        }
        let s = try db.prepare(Self.occupyingRows + " AND scheduled_for >= ?1")
        s.bind(horizon(now: now), at: 1)
        var loaded = State()
        try s.forEachRow { row in
            loaded.apply(
                .init(add: true, kind: .slot(platforms: row.string(3)), project: row.string(0), id: row.string(1), time: row.int64(2)))
        }
        loaded.evictedBefore = horizon(now: now)
        // Pending counts: one index seek per project, then the project's non-terminal ranges of
        // `schedules_status` (the queued rows, never the history).
        var after = ""
        while true {
            let next = try db.cached(QueueGaugeQueries.nextProject)
            next.bind(after, at: 1)
            guard let project = try next.firstRow({ $0.optionalString(0) }) ?? nil else { break }
            let depth = try db.cached(QueueGaugeQueries.depth)
            depth.bind(project, at: 1)
            try depth.forEachRow { row in
                loaded.pending[project, default: 0] += row.int(1)
            }
            after = project
        }
        try db.prepare(Self.dueByPriority).forEachRow { row in
            loaded.due[row.string(0), default: DueCounts()].add(row.int(1), row.int(2))
        }
        try db.prepare(Self.leasedRows).forEachRow { row in
            loaded.apply(
                .init(add: true, kind: .lease, project: row.string(0), id: row.string(1), time: row.int64(2)))
        }
        state.withLock { $0 = loaded }
    }

    /// A row version's column values, by position.
    private typealias Values = (Int32) -> Connection.ColumnValue

    /// The columns the index follows, of a row version the hook reads (nil for a status this
    /// version does not know, which the schema's CHECK refuses anyway).
    private static func rowState(_ v: Values, _ c: Columns) -> RowState? {
        guard let status = QueueStatus(rawValue: v(c.queueStatus).string) else { return nil }
        let lease = v(c.leaseExpiresAt)
        return RowState(
            project: v(c.projectID).string, id: v(c.id).string, time: v(c.scheduledFor).int64,
            platforms: v(c.platforms).string, queueStatus: status, leaseExpiresAt: lease.isNull ? nil : lease.int64,
            priority: Int(v(c.priority).int64))
    }

    /// Journals what a row's change from `old` to `new` (nil: no such version, for an insert or
    /// a delete) does to each kind of entry: slots (occupying schedules by time and platforms),
    /// pending counts (rows PENDING, QUEUED, PROCESSING or PAUSED, per project) and leases (rows
    /// QUEUED or PROCESSING with a lease, by expiry). An entry is removed and added again only
    /// when the version holding it moved.
    private func record(from old: RowState?, to new: RowState?) {
        // Under the lock from the start: the changes go straight to the state, with no array of
        // them built first (an allocation per row written).
        state.withLock { s in
            func follow(holds: (RowState) -> Bool, same: (RowState, RowState) -> Bool, entry: (Bool, RowState) -> Change) {
                let was = old.map(holds) ?? false
                let now = new.map(holds) ?? false
                guard was || now else { return }
                if let old, let new, was == now, old.id == new.id, old.project == new.project, same(old, new) { return }
                if was, let old { s.record(entry(false, old)) }
                if now, let new { s.record(entry(true, new)) }
            }
            follow(
                holds: { Self.occupies($0.queueStatus) }, same: { $0.time == $1.time && $0.platforms == $1.platforms },
                entry: { Change(add: $0, kind: .slot(platforms: $1.platforms), project: $1.project, id: $1.id, time: $1.time) })
            follow(
                holds: { $0.queueStatus.countsAsPending }, same: { _, _ in true },
                entry: { Change(add: $0, kind: .pending, project: $1.project) })
            follow(
                holds: { $0.awaitsDequeue }, same: { $0.priority == $1.priority },
                entry: { Change(add: $0, kind: .due(priority: $1.priority), project: $1.project) })
            follow(
                holds: { $0.holdsLease }, same: { $0.leaseExpiresAt == $1.leaseExpiresAt },
                entry: { Change(add: $0, kind: .lease, project: $1.project, id: $1.id, time: $1.leaseExpiresAt!) })
        }
    }

    /// Projects holding handed-out work at `now`: a row QUEUED or PROCESSING whose lease has not
    /// expired. Answered from memory: a look at each project's latest lease expiry.
    func dispatchingProjects(now: Instant) -> Set<String> {
        let t = now.unixMilliseconds
        return state.withLock { s in
            var out: Set<String> = []
            for (project, e) in s.leases where (e.lastTime ?? Int64.min) > t { out.insert(project) }
            return out
        }
    }

    /// The priorities at which `project` has PENDING or QUEUED schedules, highest first: the
    /// only ones Dequeue's per-priority seek can find anything at (an empty seek cost as much as
    /// a found one: five of them per Dequeue when everything waits at the default priority).
    func duePriorities(project: String) -> [Int] {
        state.withLock { $0.due[project]?.priorities ?? [] }
    }

    /// Every project's PENDING and QUEUED counts by priority, as "project priority count",
    /// sorted (tests compare this with the table).
    func dueEntries() -> [String] {
        state.withLock { s in
            var out: [String] = []
            for (project, counts) in s.due {
                for p in 1...10 where counts.count(p) != 0 { out.append("\(project) \(p) \(counts.count(p))") }
            }
            return out.sorted()
        }
    }

    /// Rows of `project` QUEUED or PROCESSING under a lease that has not expired at `now`, from the
    /// lease entries: what `HotQueries.inFlight` counts in SQL (a count over `schedules_status`,
    /// 7 % of the writer under the work loop), for Dequeue's per-project in-flight limit.
    func inFlightCount(project: String, now: Instant) -> Int {
        state.withLock { $0.leases[project]?.count(after: now.unixMilliseconds) ?? 0 }
    }

    /// Whether `project` holds a live lease at `now`, or fewer than `limit` projects do: the same
    /// answer as `dispatchingProjects(now:)` gives, without building the set.
    func mayDispatch(project: String, limit: Int, now: Instant) -> Bool {
        let t = now.unixMilliseconds
        return state.withLock { s in
            if let own = s.leases[project], (own.lastTime ?? Int64.min) > t { return true }
            guard limit > 0 else { return false }
            var live = 0
            for (_, e) in s.leases where (e.lastTime ?? Int64.min) > t {
                live += 1
                if live >= limit { return false }
            }
            return true
        }
    }

    /// Schedules of `project` that are PENDING, QUEUED, PROCESSING or PAUSED (the capacity
    /// limit's count, ``StoreConfiguration/maxPendingPerProject``), as of the writer's last change.
    func pendingCount(project: String) -> Int { state.withLock { $0.pending[project] ?? 0 } }

    /// The queue statuses whose schedules do not hold their slot (``occupyingRows`` and
    /// `Schema.occupiesSQL` say the same in SQL).
    static let notOccupying: [QueueStatus] = [.cancelled, .failed]

    /// Whether a schedule with this queue status counts.
    static func occupies(_ status: QueueStatus) -> Bool { !notOccupying.contains(status) }

    // MARK: Inserts the writer describes

    /// The row ``inserting(_:_:)`` announced, until the hook takes it.
    private let announced = Mutex<RowState?>(nil)

    /// Runs `insert`, a statement that inserts at most one `schedules` row, with exactly the
    /// values in `row`: the hook takes them from `row` instead of decoding the new record (the
    /// record unpacked, its text copied and turned into strings: about a tenth of the writer's
    /// time in `store enqueue`). An insert that does not happen (ON CONFLICT DO NOTHING, a
    /// constraint) leaves nothing behind.
    func inserting<T>(_ row: RowState, _ insert: () throws -> T) rethrows -> T {
        announced.withLock { $0 = row }
        defer { announced.withLock { $0 = nil } }
        return try insert()
    }

    /// The columns of a `schedules` row the index follows: of a row the writer is about to insert
    /// (``inserting(_:_:)``), before or after an update it makes (``updating(from:to:_:)``), or
    /// as the hook reads them from the record.
    struct RowState {
        var project: String
        var id: String
        var time: Int64
        /// Comma-separated canonical names, as in `schedules.platforms`.
        var platforms: String
        var queueStatus: QueueStatus
        var leaseExpiresAt: Int64?
        var priority: Int

        /// Whether the row is one Dequeue looks for: PENDING or QUEUED (`schedules_due`'s rows).
        var awaitsDequeue: Bool { queueStatus == .pending || queueStatus == .queued }

        /// Whether the row holds a lease entry: QUEUED or PROCESSING with a lease expiry.
        var holdsLease: Bool { (queueStatus == .queued || queueStatus == .processing) && leaseExpiresAt != nil }
    }

    /// The update ``updating(from:to:_:)`` announced, until the hook takes it.
    private let announcedUpdate = Mutex<(old: RowState, new: RowState)?>(nil)

    /// Runs `update`, a statement that updates at most the one `schedules` row described by `old`
    /// and leaves it as `new` (its id and project unchanged): the hook journals the change from
    /// these values instead of reading both versions of the record column by column (a tenth of
    /// the writer's time in the work cycle). An update that changes no row leaves nothing behind.
    func updating<T>(from old: RowState, to new: RowState, _ update: () throws -> T) rethrows -> T {
        announcedUpdate.withLock { $0 = (old, new) }
        defer { announcedUpdate.withLock { $0 = nil } }
        return try update()
    }

    /// Positions of the columns the hook reads, from the table's definition.
    private struct Columns {
        let id: Int32, projectID: Int32, scheduledFor: Int32, platforms: Int32, queueStatus: Int32
        let leaseExpiresAt: Int32, priority: Int32

        init(_ db: Connection) throws {
            var position: [String: Int32] = [:]
            try db.prepare("SELECT cid, name FROM pragma_table_info('schedules')").forEachRow { row in
                position[row.string(1)] = Int32(row.int64(0))
            }
            func find(_ name: String) throws -> Int32 {
                guard let p = position[name] else {
                    throw StoreError(code: .internal, message: "schedules has no column \(name)")
                }
                return p
            }
            id = try find("id")
            projectID = try find("project_id")
            scheduledFor = try find("scheduled_for")
            platforms = try find("platforms")
            queueStatus = try find("queue_status")
            leaseExpiresAt = try find("lease_expires_at")
            priority = try find("priority")
        }
    }

    // MARK: Writer side

    /// The journal position: ``undo(to:)`` reverts the changes made after it.
    func mark() -> Int { state.withLock { $0.journal.count } }

    /// Reverts the changes journaled after `mark`, newest first (their savepoint rolled back).
    func undo(to mark: Int) {
        leasedRows.withLock { $0.removeAll() }
        state.withLock { s in
            while s.journal.count > mark {
                var change = s.journal.removeLast()
                change.add.toggle()
                s.apply(change)
            }
        }
    }

    // MARK: Leased rows

    /// The rows the writer last wrote as QUEUED or PROCESSING, as stored (tracked), by id: the
    /// Complete, Fail, Heartbeat or Start that follows a Dequeue finds its row here instead of
    /// reading it back (a seek and the decoding of every column). Any change to a row that the
    /// writer's `save` did not announce (another statement, a delete) drops it, and an undone
    /// operation or batch drops them all, so a row kept is always the row in the table.
    private let leasedRows = Mutex<[String: Rows.Row]>([:])

    /// At most this many rows are kept (then they are dropped and read back as needed), and only
    /// rows whose notes and metadata together fit in ``maxKeptTextBytes``: about 50 MB at most.
    static let maxLeasedRows = 10_000
    static let maxKeptTextBytes = 4096

    func leasedRow(_ id: String) -> Rows.Row? { leasedRows.withLock { $0[id] } }

    private func hasLeasedRows() -> Bool { leasedRows.withLock { !$0.isEmpty } }

    /// Keeps `row` as now stored when it is QUEUED or PROCESSING; forgets it otherwise.
    func rememberLeased(_ row: Rows.Row) {
        let status = row.schedule.queueStatus
        let text = (row.schedule.notes?.utf8.count ?? 0) + (row.schedule.metadataJSON?.utf8.count ?? 0)
        leasedRows.withLock { rows in
            guard status == .queued || status == .processing, text <= Self.maxKeptTextBytes else {
                rows[row.schedule.id] = nil
                return
            }
            if rows.count >= Self.maxLeasedRows { rows.removeAll(keepingCapacity: true) }
            rows[row.schedule.id] = row
        }
    }

    func forgetLeased(_ id: String) { leasedRows.withLock { $0[id] = nil } }

    /// The batch committed: its changes are final.
    func commit() { state.withLock { $0.journal.removeAll(keepingCapacity: true) } }

    /// Drops the entries older than the horizon. Call it between batches (after ``commit()``):
    /// it is not journaled.
    func evict(now: Instant) {
        let before = horizon(now: now)
        state.withLock { s in
            precondition(s.journal.isEmpty, "evict between batches only")
            s.evictedBefore = max(s.evictedBefore, before)
            for key in Array(s.projects.keys) {
                s.projects[key]!.removeAll(before: before)
                if s.projects[key]!.count == 0 { s.projects[key] = nil }
            }
            for key in Array(s.platforms.keys) {
                s.platforms[key]!.removeAll(before: before)
                if s.platforms[key]!.count == 0 { s.platforms[key] = nil }
            }
        }
    }

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
        /// Which of the index's entries the change adds or removes.
        enum Kind {
            /// An occupied slot (time = the schedule's time), on each of its platforms
            /// (comma-separated canonical names, as in `schedules.platforms`).
            case slot(platforms: String)
            /// A lease (time = its expiry).
            case lease
            /// One more (or one fewer) pending schedule of the project; id and time are unused.
            case pending
            /// One more (or one fewer) PENDING or QUEUED schedule of the project at this priority
            /// (1…10); id and time are unused.
            case due(priority: Int)
        }

        var add: Bool
        var kind: Kind
        var project: String
        var id = ""
        var time: Int64 = 0
    }

    struct State {
        var projects: [String: SortedEntries] = [:]
        var platforms: [PlatformKey: SortedEntries] = [:]
        /// Per project, the leases of rows QUEUED or PROCESSING, by expiry.
        var leases: [String: SortedEntries] = [:]
        /// Per project, the schedules PENDING, QUEUED, PROCESSING or PAUSED (never evicted).
        var pending: [String: Int] = [:]
        /// Per project, the schedules PENDING or QUEUED by priority (index 1…10; never evicted):
        /// Dequeue seeks only the priorities that hold any.
        var due: [String: DueCounts] = [:]
        var journal: [Change] = []
        /// Entries before this time were evicted (milliseconds).
        var evictedBefore = Int64.min

        mutating func record(_ change: Change) {
            // An evicted entry is not in memory: removing it changes nothing (and must not come
            // back on undo). Adding one is harmless: the next eviction drops it again.
            if case .slot = change.kind, !change.add, change.time < evictedBefore { return }
            apply(change)
            journal.append(change)
        }

        mutating func apply(_ c: Change) {
            let delta = c.add ? 1 : -1
            let platformNames: String
            switch c.kind {
            case .due(let priority):
                if let i = due.index(forKey: c.project) {
                    due.values[i].add(priority, delta)
                    if due.values[i].total == 0 { due.remove(at: i) }
                } else {
                    var counts = DueCounts()
                    counts.add(priority, delta)
                    due[c.project] = counts
                }
                return
            case .pending:
                // One hash of the project: the count is changed where it is stored.
                if let i = pending.index(forKey: c.project) {
                    pending.values[i] += delta
                    if pending.values[i] == 0 { pending.remove(at: i) }
                } else {
                    pending[c.project] = delta
                }
                return
            case .lease:
                let entry = SortedEntries.Entry(time: c.time, id: c.id)
                if c.add {
                    leases[c.project, default: SortedEntries()].insert(entry)
                } else if leases[c.project]?.remove(entry) == true, leases[c.project]?.count == 0 {
                    leases[c.project] = nil
                }
                return
            case .slot(let names):
                platformNames = names
            }
            let entry = SortedEntries.Entry(time: c.time, id: c.id)
            if c.add {
                projects[c.project, default: SortedEntries()].insert(entry)
            } else if projects[c.project]?.remove(entry) == true, projects[c.project]?.count == 0 {
                projects[c.project] = nil
            }
            func platform(_ key: PlatformKey) {
                if c.add {
                    platforms[key, default: SortedEntries()].insert(entry)
                } else if platforms[key]?.remove(entry) == true, platforms[key]?.count == 0 {
                    platforms[key] = nil
                }
            }
            // Most schedules name one platform: no split, no new string.
            if !platformNames.utf8.contains(UInt8(ascii: ",")) {
                if !platformNames.isEmpty { platform(PlatformKey(project: c.project, platform: platformNames)) }
            } else {
                for p in platformNames.split(separator: ",") { platform(PlatformKey(project: c.project, platform: String(p))) }
            }
        }
    }
}

/// A project's PENDING and QUEUED schedules by priority (1…10).
struct DueCounts {
    private var counts = [Int](repeating: 0, count: 11)
    private(set) var total = 0

    /// A priority outside 1…10 (the schema's CHECK refuses one) is not counted: Dequeue never
    /// seeks it either.
    mutating func add(_ priority: Int, _ delta: Int) {
        guard (1...10).contains(priority) else { return }
        counts[priority] += delta
        total += delta
    }

    /// The priorities holding any, highest first.
    var priorities: [Int] { stride(from: 10, through: 1, by: -1).filter { counts[$0] > 0 } }

    func count(_ priority: Int) -> Int { counts[priority] }
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

    /// The latest entry's time; nil when empty.
    var lastTime: Int64? { chunks.last?.last?.time }

    /// Removes every entry with a time before `time`.
    mutating func removeAll(before time: Int64) {
        let bound = Entry(time: time, id: "")
        let c = chunk(for: bound)  // chunks before c end before `time`
        for chunk in chunks[..<c] { count -= chunk.count }
        chunks.removeFirst(c)
        if let first = chunks.first {
            let i = Self.lowerBound(first, bound)
            count -= i
            chunks[0].removeFirst(i)
            if chunks[0].isEmpty { chunks.removeFirst() }
        }
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

    /// Entries whose time is after `time`: one binary search, then whole chunks.
    func count(after time: Int64) -> Int {
        guard time < Int64.max else { return 0 }
        let start = Entry(time: time + 1, id: "")
        let c = chunk(for: start)
        guard c < chunks.count else { return 0 }
        var n = chunks[c].count - Self.lowerBound(chunks[c], start)
        for k in (c + 1)..<chunks.count { n += chunks[k].count }
        return n
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
