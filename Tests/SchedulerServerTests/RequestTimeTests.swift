import SchedulingCore
import Testing
import WireProtocol

@testable import SchedulerServer

/// Each rule about a request's time is checked once: the decoder checks the syntax, the range of
/// `scheduled_for_ms` and that at most one is set; the service only what needs the calendar; the
/// store the instant a local time resolves to.
@Suite("A request's time, from frame to store")
struct RequestTimeTests {
    @Test("the decoder refuses both times, and a time outside the range, before any handler runs")
    func theDecoderOwnsExclusivityAndRange() throws {
        for (request, field) in [
            (SchedulerV1.EnqueueRequest(projectID: "p", contentID: "c", localTime: "2027-01-01T09:00:00", timezone: "UTC", scheduledForMs: 1, platforms: ["x"]), "enqueue.scheduled_for_ms"),
            (SchedulerV1.EnqueueRequest(projectID: "p", contentID: "c", scheduledForMs: Int64.max, platforms: ["x"]), "enqueue.scheduled_for_ms"),
        ] {
            let bytes = request.serializedBytes()
            #expect(throws: RPCError.self) { _ = try SchedulerV1.EnqueueRequest(serializedBytes: bytes) }
            do {
                _ = try SchedulerV1.EnqueueRequest(serializedBytes: bytes)
            } catch {
                #expect(error.details.fieldViolations.first?.field == field)
            }
        }
    }

    @Test("the service turns a decoded time into the store's, refusing only what the calendar refuses")
    func theServiceOnlyAddsTheCalendar() throws {
        #expect(try SchedulerService.time(localTime: "2027-03-01T09:30:00", scheduledForMs: 0, method: "enqueue") == .local(LocalDateTime(year: 2027, month: 3, day: 1, hour: 9, minute: 30)!))
        #expect(try SchedulerService.time(localTime: "", scheduledForMs: 1_800_000_000_000, method: "enqueue") == .instant(Instant(unixMilliseconds: 1_800_000_000_000)))
        #expect(try SchedulerService.time(localTime: "", scheduledForMs: 0, method: "update") == nil)
        // 30 February passes the syntax check (day 1–31) but is no date.
        do {
            _ = try SchedulerService.time(localTime: "2027-02-30T09:00:00", scheduledForMs: 0, method: "enqueue")
            Issue.record("30 February was accepted")
        } catch {
            #expect(error.details.fieldViolations.first?.field == "enqueue.local_time")
        }
        #expect(throws: RPCError.self) { _ = try SchedulerService.requiredTime(localTime: "", scheduledForMs: 0, method: "validate") }
    }
}
