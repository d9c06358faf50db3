// Hand-written API on top of the generated messages (Generated/*.pb.swift): the namespace,
// protocols shared by messages of the same shape, and convenience initializers.

/// The scheduler.v1 messages as Swift value types (one type per protobuf message, generated from
/// proto/ by scripts/swift-wire-gen).
///
/// Instants are Int64 Unix milliseconds (`…Ms`), 0 meaning "not set"; local times are
/// "YYYY-MM-DDTHH:MM:SS" strings with an IANA zone.
public enum SchedulerV1 {}

/// A request naming one schedule of a project (Pause, Resume, PublishNow).
public protocol ScheduleTargetRequest: WireMessage {
    var projectID: String { get set }
    var scheduleID: String { get set }
    init(projectID: String, scheduleID: String)
}

/// A response carrying one schedule (Get, Cancel, Pause, Resume).
public protocol ScheduleResponse: WireMessage {
    var schedule: SchedulerV1.Schedule { get set }
    init(schedule: SchedulerV1.Schedule)
}

/// A batch request (BatchPause, BatchResume): 1–1000 schedule ids of one project.
public protocol BatchRequest: WireMessage {
    var projectID: String { get set }
    var scheduleIDs: [String] { get set }
    init(projectID: String, scheduleIDs: [String])
}

/// A batch response: how many schedules changed, and which ids were skipped (not found, or in a
/// state the action does not apply to).
public protocol BatchResponse: WireMessage {
    var affected: Int32 { get set }
    var skippedIDs: [String] { get set }
    init(affected: Int32, skippedIDs: [String])
}

extension SchedulerV1.PauseRequest: ScheduleTargetRequest {}
extension SchedulerV1.ResumeRequest: ScheduleTargetRequest {}
extension SchedulerV1.PublishNowRequest: ScheduleTargetRequest {}
extension SchedulerV1.GetResponse: ScheduleResponse {}
extension SchedulerV1.CancelResponse: ScheduleResponse {}
extension SchedulerV1.PauseResponse: ScheduleResponse {}
extension SchedulerV1.ResumeResponse: ScheduleResponse {}
extension SchedulerV1.BatchPauseRequest: BatchRequest {}
extension SchedulerV1.BatchResumeRequest: BatchRequest {}
extension SchedulerV1.BatchPauseResponse: BatchResponse {}
extension SchedulerV1.BatchResumeResponse: BatchResponse {}
extension SchedulerV1.BatchCancelResponse: BatchResponse {}

extension SchedulerV1.ItemError {
    /// The error a single call would have thrown.
    public init(_ error: RPCError) {
        self.init(
            code: error.code, message: error.message, field: error.details.fieldViolations.first?.field ?? "",
            conflicts: error.details.conflicts)
    }
}
