import Testing
import WireProtocol

@Suite("Decoding validates fields")
struct ValidationTests {
    static func message<M: WireMessage>(_ value: M, as _: M.Type = M.self) -> String? {
        do {
            _ = try M(serializedBytes: value.serializedBytes())
            return nil
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.details.fieldViolations.count == 1)
            return error.message
        }
    }

    static func enqueue(_ edit: (inout V1.EnqueueRequest) -> Void) -> String? {
        var r = Samples.enqueueRequest
        edit(&r)
        return message(r)
    }

    @Test("enqueue rules name the field")
    func enqueueRules() {
        #expect(Self.enqueue { _ in } == nil)
        #expect(Self.enqueue { $0.platforms = ["twitter", ""] } == "enqueue.platforms[1]: empty")
        #expect(Self.enqueue { $0.platforms = [] } == "enqueue.platforms: at least one platform required")
        #expect(
            Self.enqueue { $0.platforms = Array(repeating: "x", count: 33) }
                == "enqueue.platforms: at most 32 values (got 33)"
        )
        #expect(Self.enqueue { $0.projectID = "" } == "enqueue.project_id: required")
        #expect(
            Self.enqueue { $0.contentID = String(repeating: "c", count: 300) }
                == "enqueue.content_id: longer than 256 bytes"
        )
        #expect(Self.enqueue { $0.priority = 11 } == "enqueue.priority: must be 1–10")
        #expect(
            Self.enqueue { $0.localTime = "2025-01-20 09:00" }
                == "enqueue.local_time: must be a local time YYYY-MM-DDTHH:MM:SS"
        )
        #expect(
            Self.enqueue { $0.localTime = "2025-13-20T09:00:00" }
                == "enqueue.local_time: must be a local time YYYY-MM-DDTHH:MM:SS"
        )
        #expect(Self.enqueue { $0.timezone = "" } == "enqueue.timezone: required with local_time")
        #expect(Self.enqueue { $0.timezone = "../etc/passwd" } == "enqueue.timezone: not a time zone name")
        #expect(
            Self.enqueue {
                $0.localTime = ""; $0.scheduledForMs = 0
            } == "enqueue.local_time: required (or scheduled_for_ms)"
        )
        #expect(
            Self.enqueue { $0.scheduledForMs = 5 }
                == "enqueue.scheduled_for_ms: set local_time or scheduled_for_ms, not both"
        )
        #expect(Self.enqueue { $0.maxRetries = -1 } == "enqueue.max_retries: must be 0–100")
        #expect(
            Self.enqueue { $0.recurrence = .shorthand(.init(pattern: .weekly, hour: 9)) }
                == "enqueue.recurrence.shorthand.days_of_week: required for WEEKLY"
        )
        #expect(
            Self.enqueue { $0.recurrence = .shorthand(.init(pattern: .daily, hour: 24)) }
                == "enqueue.recurrence.shorthand.hour: must be 0–23"
        )
        #expect(
            Self.enqueue { $0.recurrence = .shorthand(.init(pattern: .weekly, daysOfWeek: [1, 7])) }
                == "enqueue.recurrence.shorthand.days_of_week[1]: must be 0–6 (0 = Sunday)"
        )
        #expect(
            Self.enqueue { $0.recurrence = .shorthand(.init(pattern: .unspecified)) }
                == "enqueue.recurrence.shorthand.pattern: must be DAILY, WEEKLY or MONTHLY"
        )
        #expect(Self.enqueue { $0.recurrence = .rrule("") } == "enqueue.recurrence.rrule: required")
        #expect(
            Self.enqueue {
                $0.recurrence = nil; $0.recurringUntilMs = 5
            } == "enqueue.recurring_until_ms: needs recurrence"
        )
    }

    @Test("Dequeue's start flag travels, and defaults to false")
    func dequeueStart() throws {
        let started = try V1.DequeueRequest(
            serializedBytes: V1.DequeueRequest(projectID: "p", workerID: "w", start: true).serializedBytes())
        #expect(started.start)
        let plain = try V1.DequeueRequest(serializedBytes: V1.DequeueRequest(projectID: "p", workerID: "w").serializedBytes())
        #expect(!plain.start)
    }

    @Test("reports carried on Dequeue: none is fine; a bad one is kept apart with its own error; more than 500 refuse the call")
    func dequeueReports() throws {
        let none = try V1.DequeueRequest(serializedBytes: V1.DequeueRequest(projectID: "p", workerID: "w").serializedBytes())
        #expect(none.acknowledge.isEmpty && none.itemErrors.isEmpty)
        let good = V1.Acknowledgement.complete(V1.CompleteRequest(projectID: "p", scheduleID: "s", leaseToken: "t"))
        let bad = V1.Acknowledgement.fail(V1.FailRequest(projectID: "p", scheduleID: "s", leaseToken: "t", error: ""))
        let mixed = try V1.DequeueRequest(
            serializedBytes: V1.DequeueRequest(projectID: "p", workerID: "w", acknowledge: [good, bad, good]).serializedBytes())
        #expect(mixed.acknowledge.count == 3 && mixed.acknowledge[0] == good && mixed.acknowledge[2] == good)
        #expect(mixed.itemErrors.keys.sorted() == [1])
        #expect(mixed.itemErrors[1]?.message.hasPrefix("dequeue.acknowledge[1].fail.error: ") == true)
        #expect(
            Self.message(V1.DequeueRequest(projectID: "p", workerID: "w", acknowledge: Array(repeating: good, count: 501)))
                == "dequeue.acknowledge: at most 500 values (got 501)")
    }

    @Test("other requests")
    func otherRequests() {
        #expect(
            Self.message(V1.DequeueRequest(projectID: "p", limit: 101, workerID: "w")) == "dequeue.limit: must be 1–100"
        )
        #expect(Self.message(V1.DequeueRequest(projectID: "p", workerID: "")) == "dequeue.worker_id: required")
        #expect(
            Self.message(V1.StartRequest(projectID: "p", scheduleID: "s", leaseToken: ""))
                == "start.lease_token: required"
        )
        #expect(
            Self.message(V1.StartRequest(projectID: "", scheduleID: "s", leaseToken: "t"))
                == "start.project_id: required"
        )
        #expect(
            Self.message(V1.HeartbeatRequest(projectID: "", scheduleID: "s", leaseToken: "t"))
                == "heartbeat.project_id: required"
        )
        #expect(
            Self.message(V1.FailRequest(projectID: "p", scheduleID: "s", leaseToken: "t", error: ""))
                == "fail.error: required"
        )
        #expect(
            Self.message(
                V1.CompleteRequest(
                    projectID: "p",
                    scheduleID: "s",
                    leaseToken: "t",
                    results: [.init(platform: "", success: true)]
                )
            ) == "complete.results[0].platform: required"
        )
        #expect(
            Self.message(V1.BatchPauseRequest(projectID: "p", scheduleIDs: []))
                == "batch_pause.schedule_ids: at least one id required"
        )
        #expect(
            Self.message(V1.BatchCancelRequest(projectID: "p", scheduleIDs: ["a", ""]))
                == "batch_cancel.schedule_ids[1]: empty"
        )
        #expect(
            Self.message(V1.BatchResumeRequest(projectID: "p", scheduleIDs: Array(repeating: "a", count: 1001)))
                == "batch_resume.schedule_ids: at most 1000 values (got 1001)"
        )
        #expect(Self.message(V1.ListRequest(projectID: "p", fromMs: 5, toMs: 4)) == "list.to_ms: before from_ms")
        #expect(
            Self.message(V1.ListRequest(projectID: "p", sortBy: .init(rawValue: 9))) == "list.sort_by: unknown value 9"
        )
        #expect(
            Self.message(V1.UpdateRequest(projectID: "p", scheduleID: "s", platforms: []))
                == "update.platforms: at least one platform required"
        )
        #expect(
            Self.message(V1.UpdateRequest(projectID: "p", scheduleID: "s", priority: 0))
                == "update.priority: must be 1–10"
        )
        #expect(
            Self.message(V1.RescheduleRequest(projectID: "p", scheduleID: "s"))
                == "reschedule.local_time: required (or scheduled_for_ms)"
        )
        #expect(
            Self.message(V1.ResolveConflictRequest(projectID: "p", conflictID: "c", resolution: ""))
                == "resolve_conflict.resolution: required"
        )
        #expect(
            Self.message(
                V1.PreviewOccurrencesRequest(recurrence: .cron("* * * * *"), startLocalTime: "", timezone: "UTC")
            ) == "preview_occurrences.start_local_time: required"
        )
        #expect(
            Self.message(
                V1.PreviewOccurrencesRequest(
                    recurrence: .cron("* * * * *"),
                    startLocalTime: "2025-01-01T00:00:00",
                    timezone: "UTC",
                    count: 1001
                )
            ) == "preview_occurrences.count: must be 1–1000"
        )
        #expect(
            Self.message(V1.ValidateRequest(projectID: "p", scheduledForMs: -2_208_988_800_001, platforms: ["x"]))
                == "validate.scheduled_for_ms: outside the supported range (years 1900–9999)"
        )
    }

    @Test("instants: years 1900–9999, before 1970 negative; 0 = unset")
    func instantRange() {
        let first1900: Int64 = -2_208_988_800_000
        let last9999: Int64 = 253_402_300_799_000
        #expect(Self.message(V1.ListRequest(projectID: "p", fromMs: first1900, toMs: -1)) == nil)
        #expect(Self.message(V1.ListRequest(projectID: "p", fromMs: -1, toMs: last9999)) == nil)
        #expect(
            Self.message(V1.ListRequest(projectID: "p", fromMs: first1900 - 1))
                == "list.from_ms: outside the supported range (years 1900–9999)")
        #expect(
            Self.message(V1.ListRequest(projectID: "p", toMs: last9999 + 1))
                == "list.to_ms: outside the supported range (years 1900–9999)")
        #expect(Self.message(V1.StatsRequest(projectID: "p", fromMs: first1900, toMs: 1)) == nil)
        #expect(Self.enqueue { $0.localTime = ""; $0.scheduledForMs = first1900 } == nil)
        #expect(
            Self.message(V1.UpdateRequest(projectID: "p", scheduleID: "s", scheduledForMs: -86_400_000)) == nil)
        #expect(
            Self.message(V1.UpdateRequest(projectID: "p", scheduleID: "s", scheduledForMs: first1900 - 1))
                == "update.scheduled_for_ms: outside the supported range (years 1900–9999)")
        #expect(
            Self.message(V1.UpdateRequest(projectID: "p", scheduleID: "s", scheduledForMs: 0))
                == "update.scheduled_for_ms: must not be 0 (1970-01-01T00:00:00Z)")
    }

    @Test("metadata keys are lowercase ASCII and capped")
    func metadata() {
        #expect(
            Self.message(Frame.Request(method: "m", metadata: [.init(key: "Authorization", value: "x")]))
                == "request.metadata[0].key: must be lowercase ASCII letters, digits, '-', '_' or '.'"
        )
        #expect(
            Self.message(Frame.Request(method: "m", metadata: Array(repeating: .init(key: "a", value: "b"), count: 65)))
                == "request.metadata: at most 64 values (got 65)"
        )
        #expect(Self.message(Frame.Request(method: "")) == "request.method: required")
    }

    @Test("bytes that are not the message, and invalid UTF-8")
    func malformed() {
        let e1 = #expect(throws: RPCError.self) { try V1.GetRequest(serializedBytes: [0x0A, 0x09, 0x41]) }
        #expect(e1?.message == "get: not a valid scheduler.v1.GetRequest")
        let e2 = #expect(throws: RPCError.self) {
            try V1.GetRequest(serializedBytes: [0x0A, 0x02, 0xC3, 0x28, 0x12, 0x01, 0x73])
        }
        #expect(e2?.message == "get.project_id: not valid UTF-8")
        #expect(e2?.code == .invalidArgument)
    }

    @Test("a string with an embedded U+0000 is refused, naming the field, not cut at the NUL")
    func embeddedNUL() throws {
        // GetRequest { project_id: "A\0B", schedule_id: "s" }: protobuf-c alone would read "A".
        let e1 = #expect(throws: RPCError.self) {
            try V1.GetRequest(serializedBytes: [0x0A, 0x03, 0x41, 0x00, 0x42, 0x12, 0x01, 0x73])
        }
        #expect(e1?.message == "get.project_id: contains U+0000 (NUL), which no text field may hold")
        #expect(e1?.code == .invalidArgument)
        #expect(e1?.details.fieldViolations.first?.field == "get.project_id")
        // EnqueueRequest { platforms: ["t", "x\0"] }: the element's index is named.
        let e2 = #expect(throws: RPCError.self) {
            try V1.EnqueueRequest(serializedBytes: [0x32, 0x01, 0x74, 0x32, 0x02, 0x78, 0x00])
        }
        #expect(e2?.details.fieldViolations.first?.field == "enqueue.platforms[1]")
        // EnqueueRequest { recurrence { rrule: "F\0" } }: inside a nested message.
        let e3 = #expect(throws: RPCError.self) {
            try V1.EnqueueRequest(serializedBytes: [0x42, 0x04, 0x0A, 0x02, 0x46, 0x00])
        }
        #expect(e3?.details.fieldViolations.first?.field == "enqueue.recurrence.rrule")
        // Frame metadata values are strings too; the payload is bytes, where 0 is ordinary.
        var request = Samples.enqueueRequest
        request.maxRetries = 0  // an empty wrapper message: a 0 length byte, not a NUL in a string
        let back = try V1.EnqueueRequest(serializedBytes: request.serializedBytes())
        #expect(back.maxRetries == 0)
        let frame = Frame(callID: 1, kind: .request(Frame.Request(method: "m", payload: [0, 0, 1, 0])))
        #expect(try Frame(serializedBytes: frame.serializedBytes()) == frame)
    }

    @Test("unknown fields and unknown enum values")
    func forwardCompatibility() throws {
        // HealthResponse { status: 7 (unknown) } + unknown field 15 (string "hi").
        let r = try V1.HealthResponse(serializedBytes: [0x08, 0x07, 0x7A, 0x02, 0x68, 0x69])
        #expect(r.status.rawValue == 7 && !r.status.isKnown)
    }
}
