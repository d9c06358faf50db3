import SchedulingCore

extension ScheduleStore {
    // INDEXED BY: with DISTINCT the planner prefers a full scan of another index; the lease index
    // holds only leased rows, so reading it is proportional to the work handed out, not the table.
    static let dispatchingProjectsSQL = """
        SELECT project_id FROM schedules INDEXED BY schedules_leases
         WHERE queue_status IN ('QUEUED','PROCESSING') AND lease_expires_at > ?1
        """

    /// Projects that hold handed-out work now: items QUEUED or PROCESSING under a lease that has
    /// not expired. The server uses it for the "at most N projects dispatching at once" limit.
    /// Answered from the lease index (only leased rows are in it), not by scanning the table.
    public func dispatchingProjects() async throws(StoreError) -> Set<String> {
        let now = configuration.clock.now()
        return try await readers.read { db in
            let s = try db.cached(Self.dispatchingProjectsSQL)
            s.bind(now.unixMilliseconds, at: 1)
            var out: Set<String> = []
            try s.forEachRow { out.insert($0.string(0)) }
            return out
        }
    }
}
