import Foundation
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Testing
import WireProtocol

/// Validate and PreviewOccurrences promise what Enqueue does with the same recurrence.
@Suite("End to end: Validate and PreviewOccurrences agree with Enqueue", .timeLimit(.minutes(3)))
struct RecurrenceEndToEndTests {
    /// Runs `call` and returns the error it throws (records an issue when it does not).
    func refusal(_ call: () async throws -> Void) async -> SchedulerError? {
        do {
            try await call()
            Issue.record("the call succeeded")
            return nil
        } catch let error as SchedulerError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("Validate refuses every recurrence Enqueue refuses, with Enqueue's reason, naming validate.recurrence")
    func validateChecksTheRecurrence() async throws {
        let e = try E2E()
        let c = try e.client()
        let bad: [(V1.Recurrence, String)] = [
            (.rrule("GARBAGE"), "recurrence"),
            (.rrule("FREQ=SECONDLY"), "recurrence"),
            (.rrule("FREQ=MINUTELY"), "recurrence"),
            (.rrule("FREQ=DAILY;COUNT=1000000000"), "recurrence"),
            (.rrule("FREQ=HOURLY;BYMINUTE=0,30"), "recurrence"),
            (.cron("61 25 * * *"), "recurrence"),
            (.cron("0 0 30 2 *"), "recurrence"),
            // The wire checks a shorthand's fields for every method alike.
            (.shorthand(V1.RecurrenceShorthand(pattern: .weekly, daysOfWeek: [9], hour: 9)), "recurrence.shorthand.days_of_week[0]"),
            (.shorthand(V1.RecurrenceShorthand(pattern: .daily, hour: 24)), "recurrence.shorthand.hour"),
        ]
        for (recurrence, path) in bad {
            var enqueue = enqueueRequest("r", at: "2026-03-07T09:00:00")
            enqueue.recurrence = recurrence
            var validate = V1.ValidateRequest(projectID: "blog", localTime: "2026-03-07T09:00:00", timezone: "UTC", platforms: ["twitter"])
            validate.recurrence = recurrence
            let refused = await refusal { _ = try await c.enqueue(enqueue) }
            let checked = await refusal { _ = try await c.validate(validate) }
            #expect(refused?.code == .invalidArgument, "\(recurrence)")
            #expect(checked?.code == .invalidArgument, "\(recurrence)")
            #expect(refused?.field == "enqueue.\(path)", "\(String(describing: refused))")
            #expect(checked?.field == "validate.\(path)", "\(String(describing: checked))")
            // The same reason after the field name.
            let reason = refused.map { String($0.message.dropFirst("enqueue.\(path): ".count)) }
            #expect(checked?.message == "validate.\(path): " + (reason ?? ""), "\(String(describing: checked))")
        }
        #expect(
            await refusal {
                var v = V1.ValidateRequest(projectID: "blog", localTime: "2026-03-07T09:00:00", timezone: "UTC", platforms: ["twitter"])
                v.recurrence = .rrule("FREQ=DAILY;COUNT=1000000000")
                _ = try await c.validate(v)
            }?.message == "validate.recurrence: RRULE COUNT=1000000000: out of range 1…999999999")
        // What Enqueue accepts, Validate accepts.
        for recurrence: V1.Recurrence in [.rrule("FREQ=HOURLY;INTERVAL=2"), .cron("0 0 29 2 *"), .rrule("FREQ=WEEKLY;BYDAY=MO;COUNT=3")] {
            var validate = V1.ValidateRequest(projectID: "blog", localTime: "2026-03-07T09:00:00", timezone: "UTC", platforms: ["twitter"])
            validate.recurrence = recurrence
            #expect(try await c.validate(validate).valid, "\(recurrence)")
        }
        await e.shutdown()
    }

    /// Publishes each occurrence of the series as it falls due and returns the stored times.
    func publishSeries(_ e: E2E, _ c: SchedulerClient, from first: V1.Schedule, limit: Int) async throws -> [Int64] {
        var stored = [first.scheduledForMs]
        var current = first
        while stored.count < limit {
            e.clock.set(Instant(unixMilliseconds: current.scheduledForMs))
            let item = try #require(try await c.dequeue(V1.DequeueRequest(projectID: "blog", limit: 1, leaseSeconds: 60, workerID: "w")).items.first)
            #expect(item.schedule.id == current.id)
            let done = try await c.complete(V1.CompleteRequest(projectID: "blog", scheduleID: current.id, leaseToken: item.leaseToken))
            guard let next = done.nextOccurrence else { break }
            stored.append(next.scheduledForMs)
            current = next
        }
        return stored
    }

    @Test("preview from a start the rule does not match begins with the start, counted toward COUNT, as Enqueue stores it")
    func previewIsWhatEnqueueStores() async throws {
        let e = try E2E()
        let c = try e.client()
        // Wednesday 2027-02-03 10:00 UTC; the rule fires on Mondays.
        var p = V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=WEEKLY;BYDAY=MO;COUNT=3"), startLocalTime: "2027-02-03T10:00:00", timezone: "UTC")
        p.count = 10
        let preview = try await c.previewOccurrences(p)
        #expect(preview.map(\.localTime) == ["2027-02-03T10:00:00", "2027-02-08T10:00:00", "2027-02-15T10:00:00"])
        var r = enqueueRequest("weekly", at: "2027-02-03T10:00:00")
        r.recurrence = .rrule("FREQ=WEEKLY;BYDAY=MO;COUNT=3")
        let first = try await c.enqueue(r).schedule
        #expect(try await publishSeries(e, c, from: first, limit: 10) == preview.map(\.atMs))
        // after_ms keeps what follows it; the start still counts toward COUNT.
        p.afterMs = preview[0].atMs
        #expect(try await c.previewOccurrences(p).map(\.atMs) == Array(preview.dropFirst().map(\.atMs)))
        await e.shutdown()
    }

    @Test("cron preview: start_local_time is the first occurrence, then the firings after it; after_ms is optional")
    func cronPreviewTakesTheStart() async throws {
        let e = try E2E()
        let c = try e.client()
        var p = V1.PreviewOccurrencesRequest(recurrence: .cron("0 9 * * MON"), startLocalTime: "2027-02-03T10:00:00", timezone: "UTC")
        p.count = 3
        let preview = try await c.previewOccurrences(p)
        #expect(preview.map(\.localTime) == ["2027-02-03T10:00:00", "2027-02-08T09:00:00", "2027-02-15T09:00:00"])
        var r = enqueueRequest("cron", at: "2027-02-03T10:00:00")
        r.recurrence = .cron("0 9 * * MON")
        let first = try await c.enqueue(r).schedule
        #expect(try await publishSeries(e, c, from: first, limit: 3) == preview.map(\.atMs))
        p.afterMs = e.instant("2027-02-08T09:00:00Z").unixMilliseconds
        #expect(try await c.previewOccurrences(p).map(\.localTime) == ["2027-02-15T09:00:00", "2027-02-22T09:00:00", "2027-03-01T09:00:00"])
        // A leap-day expression keeps firing every leap day.
        var leap = V1.PreviewOccurrencesRequest(recurrence: .cron("0 0 29 2 *"), startLocalTime: "2028-02-29T00:00:00", timezone: "UTC")
        leap.count = 4
        #expect(
            try await c.previewOccurrences(leap).map(\.localTime)
                == ["2028-02-29T00:00:00", "2032-02-29T00:00:00", "2036-02-29T00:00:00", "2040-02-29T00:00:00"])
        await e.shutdown()
    }

    @Test("preview refuses what Enqueue refuses; a shorthand series starts at the start like Enqueue's")
    func previewChecksLikeEnqueue() async throws {
        let e = try E2E()
        let c = try e.client()
        var until = V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=DAILY"), startLocalTime: "2027-02-03T10:00:00", timezone: "UTC")
        until.untilMs = e.instant("2027-02-03T10:00:00Z").unixMilliseconds
        let refused = await refusal { _ = try await c.previewOccurrences(until) }
        #expect(refused?.field == "preview_occurrences.until_ms", "\(String(describing: refused))")
        let minutely = V1.PreviewOccurrencesRequest(recurrence: .rrule("FREQ=MINUTELY"), startLocalTime: "2027-02-03T10:00:00", timezone: "UTC")
        let bad = await refusal { _ = try await c.previewOccurrences(minutely) }
        #expect(bad?.field == "preview_occurrences.recurrence")
        #expect(bad?.message.contains("HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY") == true, "\(String(describing: bad))")
        // A shorthand's series starts at the start too, as Enqueue stores it.
        var daily = V1.PreviewOccurrencesRequest(
            recurrence: .shorthand(V1.RecurrenceShorthand(pattern: .daily, hour: 9)), startLocalTime: "2027-02-03T10:00:00", timezone: "UTC")
        daily.count = 2
        let preview = try await c.previewOccurrences(daily)
        #expect(preview.map(\.localTime) == ["2027-02-03T10:00:00", "2027-02-04T09:00:00"])
        var r = enqueueRequest("daily", at: "2027-02-03T10:00:00")
        r.recurrence = .shorthand(V1.RecurrenceShorthand(pattern: .daily, hour: 9))
        let first = try await c.enqueue(r).schedule
        #expect(try await publishSeries(e, c, from: first, limit: 2) == preview.map(\.atMs))
        await e.shutdown()
    }
}
