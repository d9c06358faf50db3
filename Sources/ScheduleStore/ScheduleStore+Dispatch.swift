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
    /// Answered from memory (the occupancy index follows every lease change), so its cost does
    /// not grow with the number of leases; ``dispatchingProjectsSQL`` is the same question in SQL.
    public func dispatchingProjects() async throws(StoreError) -> Set<String> {
        occupancy.dispatchingProjects(now: configuration.clock.now())
    }

    /// The dispatch limit's question, asked by every Dequeue, from memory: the project's own
    /// latest lease first, then the projects with a live lease, counted only up to `limit`; no
    /// set is built (building it was 5 % of the server's event loops under the work loop).
    public func mayDispatch(projectID: String, limit: Int) async throws(StoreError) -> Bool {
        occupancy.mayDispatch(project: projectID, limit: limit, now: configuration.clock.now())
    }
}
