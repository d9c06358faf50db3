import Testing
import WireProtocol

/// One populated value of every message type.
enum AllMessages {
    static let schedule = Samples.schedule
    static var fullSchedule: V1.Schedule {
        var s = Samples.schedule
        s.queuedAtMs = 1
        s.processingAtMs = 2
        s.publishedAtMs = 3
        s.recurringUntilMs = 4
        s.retryCount = 2
        s.publishDelaySeconds = 30
        s.lease = V1.Lease(owner: "w", token: "t", expiresAtMs: 5)
        s.attempts = [
            V1.Attempt(
                number: 1,
                startedAtMs: 6,
                endedAtMs: 7,
                workerID: "w",
                outcome: .failed,
                error: "503",
                idempotencyKey: "k#1"
            ),
            V1.Attempt(number: 2, startedAtMs: 8, workerID: "w", outcome: .inProgress),
            V1.Attempt(
                number: 3,
                startedAtMs: 9,
                endedAtMs: 10,
                workerID: "w",
                outcome: .outcomeUnknown,
                error: "lease expired while publishing",
                idempotencyKey: "k#3",
                confirmation: V1.AttemptConfirmation(
                    published: true,
                    confirmedAtMs: 11,
                    confirmedBy: "tok_1",
                    note: "seen on the timeline"
                )
            ),
        ]
        s.results = [V1.PlatformResult(platform: "twitter", success: true, publishedURL: "https://x/1")]
        s.metadataJSON = #"{"campaign":"spring"}"#
        s.failureReason = "none"
        s.content = V1.ContentSummary(id: "cnt_42", title: "T", excerpt: "E", body: "B", status: "READY")
        return s
    }
    static let conflict = Samples.enqueueResponse.conflicts[0]
    static let stored = V1.StoredConflict(
        id: "cf_1",
        projectID: "prj_1",
        schedule1ID: "a",
        schedule2ID: "b",
        type: .resource,
        severity: .critical,
        reason: "6 concurrent",
        conflictTimeMs: 9,
        resolved: true,
        resolvedAtMs: 10,
        resolution: "moved",
        resolvedBy: "ann"
    )
    static let page = V1.Pagination(page: 2, limit: 20, total: 45, totalPages: 3)

    static var all: [any WireMessage] {
        [
            // Framing
            Samples.golden[0].frame,
            Frame.Request(method: "x", metadata: [.init(key: "a", value: "b")], timeoutMs: 1, payload: [0, 1]),
            Frame.Response(
                code: .unavailable,
                message: "draining",
                details: ErrorDetails(
                    conflicts: [conflict],
                    fieldViolations: [.init(field: "f", description: "d")],
                    retryInfo: .init(retryDelayMs: 250)
                ),
                payload: [9],
                metadata: [.init(key: "k", value: "v")]
            ),
            Frame.Cancel(reason: "r"), Frame.Ping(nonce: .max), Frame.Pong(nonce: 1),
            Frame.GoAway(lastCallID: 3, reason: "bye", code: .internal),
            MetadataEntry(key: "traceparent", value: "00-x"), FieldViolation(field: "a.b[0]", description: "empty"),
            RetryInfo(retryDelayMs: 1000),
            // Models
            V1.RecurrenceShorthand(pattern: .monthly, dayOfMonth: 31, hour: 23, minute: 59),
            V1.Recurrence.rrule("FREQ=DAILY"), V1.Recurrence.cron("0 9 * * 1-5"), Samples.weekly,
            V1.Lease(owner: "o", token: "t", expiresAtMs: 1), fullSchedule.attempts[0],
            V1.PlatformResult(platform: "p", success: false, error: "e"), fullSchedule.content!, fullSchedule, conflict,
            stored, Samples.statsResponse.stats, Samples.statsResponse.metrics[0], page,
            V1.QueueStats(),
            // Requests and responses
            Samples.enqueueRequest,
            V1.EnqueueRequest(
                projectID: "p",
                contentID: "c",
                scheduledForMs: 1_737_381_600_000,
                platforms: ["x"],
                priority: 10,
                recurrence: .cron("0 9 * * *"),
                recurringUntilMs: 1_800_000_000_000,
                publishDelaySeconds: 60,
                maxRetries: 5,
                retryDelaySeconds: 120,
                metadataJSON: "{}"
            ),
            Samples.enqueueResponse, Samples.dequeueRequest,
            V1.DequeueRequest(projectID: "prj_1", limit: 5, leaseSeconds: 60, workerID: "worker-b", start: true),
            Samples.dequeueResponse.items[0], Samples.dequeueResponse,
            V1.DequeueResponse(),
            V1.DequeueRequest(
                projectID: "prj_1", limit: 5, workerID: "worker-b", start: true,
                acknowledge: [
                    .complete(V1.CompleteRequest(projectID: "prj_1", scheduleID: "s1", leaseToken: "t1")),
                    .fail(V1.FailRequest(projectID: "prj_1", scheduleID: "s2", leaseToken: "t2", error: "HTTP 503", retryable: true)),
                ]),
            V1.DequeueResponse(
                items: Samples.dequeueResponse.items,
                acknowledged: [
                    V1.AcknowledgeResult(completed: V1.CompleteResponse(schedule: schedule)),
                    V1.AcknowledgeResult(error: V1.ItemError(code: .failedPrecondition, message: "stale", field: "dequeue.acknowledge[1].fail.lease_token")),
                ]),
            V1.StartRequest(projectID: "p", scheduleID: "s", leaseToken: "t"), V1.StartResponse(schedule: schedule),
            V1.HeartbeatRequest(projectID: "p", scheduleID: "s", leaseToken: "t", extendSeconds: 60),
            V1.HeartbeatResponse(leaseExpiresAtMs: 99),
            V1.CompleteRequest(
                projectID: "p",
                scheduleID: "s",
                leaseToken: "t",
                results: fullSchedule.results,
                publishedAtMs: 5
            ),
            V1.CompleteResponse(schedule: schedule, nextOccurrence: fullSchedule),
            Samples.failRequest, Samples.failResponse,
            V1.GetRequest(projectID: "p", scheduleID: "s", includeContentBody: true),
            V1.GetResponse(schedule: fullSchedule),
            V1.ListRequest(
                projectID: "p",
                status: .paused,
                fromMs: 1,
                toMs: 2,
                platform: "x",
                page: 3,
                limit: 100,
                sortBy: .priority,
                sortOrder: .desc
            ),
            V1.ListResponse(items: [schedule, fullSchedule], pagination: page),
            V1.UpdateRequest(
                projectID: "p",
                scheduleID: "s",
                localTime: "2025-03-30T02:30:00",
                timezone: "Europe/Berlin",
                platforms: ["a", "b"],
                priority: 1,
                notes: "",
                metadataJSON: "{}",
                autoResolve: true
            ),
            V1.UpdateRequest(projectID: "p", scheduleID: "s", scheduledForMs: 7),
            V1.UpdateResponse(
                schedule: schedule,
                conflicts: [conflict],
                adjusted: true,
                originalTimeMs: 1,
                adjustedTimeMs: 2
            ),
            V1.CancelRequest(projectID: "p", scheduleID: "s", reason: "dup"), V1.CancelResponse(schedule: schedule),
            V1.PauseRequest(projectID: "p", scheduleID: "s"), V1.PauseResponse(schedule: schedule),
            V1.ResumeRequest(projectID: "p", scheduleID: "s"), V1.ResumeResponse(schedule: schedule),
            V1.BatchPauseRequest(projectID: "p", scheduleIDs: ["a", "b"]),
            V1.BatchPauseResponse(affected: 1, skippedIDs: ["b"]),
            V1.BatchResumeRequest(projectID: "p", scheduleIDs: ["a"]), V1.BatchResumeResponse(affected: 1),
            V1.BatchCancelRequest(projectID: "p", scheduleIDs: ["a"], reason: "r"),
            V1.BatchCancelResponse(affected: 0, skippedIDs: ["a"]),
            V1.PublishNowRequest(projectID: "p", scheduleID: "s"),
            V1.PublishNowResponse(schedule: schedule, message: "Manual publish triggered"),
            V1.ConfirmOutcomeRequest(
                projectID: "p",
                scheduleID: "s",
                published: true,
                results: fullSchedule.results,
                publishedAtMs: 5,
                note: "checked by ann"
            ),
            V1.ConfirmOutcomeRequest(projectID: "p", scheduleID: "s", published: false),
            V1.ConfirmOutcomeResponse(schedule: fullSchedule),
            fullSchedule.attempts[2].confirmation!,
            V1.RescheduleRequest(projectID: "p", scheduleID: "s", localTime: "2025-11-02T01:30:00", autoResolve: true),
            V1.RescheduleResponse(
                schedule: schedule,
                adjusted: true,
                originalTimeMs: 1,
                adjustedTimeMs: 2,
                conflicts: [conflict],
                warning: "w"
            ),
            V1.ValidateRequest(
                projectID: "p",
                scheduleID: "s",
                scheduledForMs: 5,
                platforms: ["x"],
                recurrence: .rrule("FREQ=WEEKLY"),
                autoResolve: true
            ),
            V1.ValidateResponse(
                valid: false,
                hasConflict: true,
                conflicts: [conflict],
                suggestedTimeMs: 6,
                scheduledForMs: 5,
                platforms: ["x"]
            ),
            V1.StatsRequest(projectID: "p", fromMs: 1, toMs: 2), Samples.statsResponse,
            V1.StatsRequest(projectID: "p", byPlatform: true),
            V1.StatsResponse(
                stats: V1.QueueStats(pending: 4), pendingSchedules: 4,
                platforms: [
                    V1.PlatformQueueCounts(
                        platform: "LINKEDIN", pending: 1, queued: 2, processing: 3, completed: 4, failed: 5, cancelled: 6, paused: 7),
                    V1.PlatformQueueCounts(platform: "TWITTER", pending: 4),
                ]),
            V1.PlatformQueueCounts(platform: "MEDIUM", completed: .max),
            V1.ListConflictsRequest(
                projectID: "p",
                scheduleID: "s",
                includeResolved: true,
                fromMs: 1,
                toMs: 2,
                page: 1,
                limit: 5
            ),
            V1.ListConflictsResponse(conflicts: [stored], pagination: page),
            V1.ResolveConflictRequest(projectID: "p", conflictID: "cf_1", resolution: "moved", resolvedBy: "ann"),
            V1.ResolveConflictResponse(conflict: stored),
            V1.PreviewOccurrencesRequest(
                recurrence: .rrule("FREQ=DAILY;BYHOUR=2;BYMINUTE=30"),
                startLocalTime: "2025-03-29T02:30:00",
                timezone: "Europe/Berlin",
                afterMs: 1,
                count: 3,
                untilMs: 9
            ),
            V1.Occurrence(atMs: 1, localTime: "1970-01-01T00:00:00", utcOffsetSeconds: 0, abbreviation: "UTC"),
            V1.PreviewOccurrencesResponse(occurrences: [
                V1.Occurrence(
                    atMs: 1_743_211_800_000,
                    localTime: "2025-03-29T02:30:00",
                    utcOffsetSeconds: 3600,
                    abbreviation: "CET"
                ),
                V1.Occurrence(
                    atMs: 1_743_298_200_000,
                    localTime: "2025-03-30T03:30:00",
                    utcOffsetSeconds: 7200,
                    abbreviation: "CEST"
                ),
            ]),
            V1.HealthRequest(service: "scheduler.v1.Scheduler"), V1.HealthResponse(status: .notServing),
            V1.EnqueueBatchRequest(items: [Samples.enqueueRequest, Samples.enqueueRequest]),
            V1.EnqueueBatchResponse(results: [
                V1.EnqueueBatchResult(created: V1.EnqueueResponse(schedule: schedule, pastDue: true)),
                V1.EnqueueBatchResult(
                    error: V1.ItemError(
                        code: .failedPrecondition, message: "conflicts", field: "enqueue_batch.items[1].local_time",
                        conflicts: [conflict])),
            ]),
            V1.AcknowledgeRequest(items: [
                .complete(V1.CompleteRequest(projectID: "p", scheduleID: "s", leaseToken: "t")),
                .fail(V1.FailRequest(projectID: "p", scheduleID: "s2", leaseToken: "t2", error: "HTTP 503", retryable: true)),
            ]),
            V1.ItemError(code: .invalidArgument, message: "m", field: "enqueue_batch.items[0].platforms", conflicts: [conflict]),
            V1.EnqueueBatchResult(error: V1.ItemError(code: .alreadyExists, message: "key reused")),
            V1.Acknowledgement.complete(V1.CompleteRequest(projectID: "p", scheduleID: "s", leaseToken: "t")),
            V1.AcknowledgeResult(error: V1.ItemError(code: .failedPrecondition, message: "stale lease")),
            V1.AcknowledgeResponse(results: [
                V1.AcknowledgeResult(completed: V1.CompleteResponse(schedule: schedule)),
                V1.AcknowledgeResult(failed: V1.FailResponse(willRetry: true, nextAttemptAtMs: 7, schedule: schedule)),
                V1.AcknowledgeResult(error: V1.ItemError(code: .notFound, message: "schedule s3 not found")),
            ]),
            V1.ListAlertsRequest(projectID: "p", limit: 5),
            V1.AlertRecord(
                id: "alr_1", projectID: "p", kind: .platformLimit, scheduleID: "s", platform: "TWITTER",
                message: "TWITTER: 9 posts", detailsJSON: "{\"count\":9}", createdAtMs: 1, state: .pending, attempts: 2,
                nextAttemptAtMs: 3, lastError: "HTTP 503"),
            V1.ListAlertsResponse(alerts: [
                V1.AlertRecord(
                    id: "alr_2", projectID: "p", kind: .scheduleFailed, message: "failed", createdAtMs: 1,
                    state: .delivered, attempts: 1, deliveredAtMs: 2)
            ]),
        ]
    }
}

@Suite("Round trips and the contract")
struct RoundTripTests {
    static func roundTrip<M: WireMessage>(_ m: M) throws -> Bool {
        try M(serializedBytes: m.serializedBytes()) == m
    }

    @Test("every message decodes to what was encoded")
    func everyMessage() throws {
        for m in AllMessages.all {
            #expect(try Self.roundTrip(m), "\(type(of: m).protoMessageName)")
        }
    }

    @Test("a message with nothing set encodes to no bytes and decodes back from none")
    func emptyMessage() throws {
        #expect(V1.HealthRequest().serializedBytes().isEmpty)
        #expect(try V1.HealthRequest(serializedBytes: []) == V1.HealthRequest())
        #expect(try Self.roundTrip(V1.HealthRequest(service: "scheduler.v1.Scheduler")))
    }

    @Test("every generated message has a Swift type with a round-trip sample")
    func coverage() {
        let covered = Set(AllMessages.all.map { type(of: $0).protoMessageName })
        let wrappers: Set = [
            "scheduler.v1.Int32Value", "scheduler.v1.Int64Value", "scheduler.v1.DoubleValue",
            "scheduler.v1.StringValue",
            "scheduler.v1.StringList",
        ]
        let generated = Set(ContractIntrospection.generatedMessageNames).subtracting(wrappers)
        #expect(generated.subtracting(covered).sorted() == [])
        #expect(covered.subtracting(generated).sorted() == [])
    }

    @Test("field paths are checked against the generated descriptors")
    func fieldPaths() {
        let enqueue = "scheduler.v1.EnqueueRequest"
        for path in [
            "metadata_json", "timezone", "platforms[1]", "recurrence", "recurrence.shorthand.hour",
            "recurrence.shorthand.days_of_week[2]", "recurring_until_ms", "max_retries",
        ] {
            #expect(ContractIntrospection.fieldPathExists(path, inMessage: enqueue), "\(path)")
        }
        for path in [
            "metadata", "time_zone", "time", "recurring_until", "platforms[x]", "platforms[]", "priority[0]",
            "recurrence.hour", "recurrence.shorthand.hour.x", "platforms.values", "", "notes.", ".notes",
        ] {
            #expect(!ContractIntrospection.fieldPathExists(path, inMessage: enqueue), "\(path)")
        }
        // A StringList wrapper's values are indexed on the field itself (the decoders' naming).
        #expect(ContractIntrospection.fieldPathExists("platforms[0]", inMessage: "scheduler.v1.UpdateRequest"))
        #expect(ContractIntrospection.fieldPathExists("local_time", inMessage: "scheduler.v1.UpdateRequest"))
        #expect(!ContractIntrospection.fieldPathExists("local_time[0]", inMessage: "scheduler.v1.UpdateRequest"))
        // A field inside a repeated message only through an index.
        #expect(ContractIntrospection.fieldPathExists("results[3].platform", inMessage: "scheduler.v1.CompleteRequest"))
        #expect(!ContractIntrospection.fieldPathExists("results.platform", inMessage: "scheduler.v1.CompleteRequest"))
        #expect(!ContractIntrospection.fieldPathExists("notes", inMessage: "scheduler.v1.NoSuchRequest"))
    }

    @Test("the Swift method table matches the service in scheduler.proto")
    func methodTable() {
        let generated = ContractIntrospection.generatedMethods
        let swift = V1.Scheduler.methods
        #expect(generated.map(\.path) == swift.map(\.path))
        #expect(generated.map(\.request) == swift.map(\.requestMessageName))
        #expect(generated.map(\.response) == swift.map(\.responseMessageName))
        #expect(swift.count == 27)
        #expect(V1.Scheduler.Enqueue.path == "scheduler.v1.Scheduler/Enqueue")
        #expect(V1.Scheduler.method(forPath: "scheduler.v1.Scheduler/Nope") == nil)
    }

    @Test("wrapper presence: an explicit zero survives, nil stays nil")
    func wrapperPresence() throws {
        var r = Samples.enqueueRequest
        r.maxRetries = 0
        #expect(try V1.EnqueueRequest(serializedBytes: r.serializedBytes()).maxRetries == 0)
        r.maxRetries = nil
        #expect(try V1.EnqueueRequest(serializedBytes: r.serializedBytes()).maxRetries == nil)
        let stats = V1.QueueStats(successRate: 0)
        let back = try V1.QueueStats(serializedBytes: stats.serializedBytes())
        #expect(back.successRate == 0 && back.avgWaitSeconds == nil)
    }

    @Test("a Response carries either a payload or an error")
    func responseResult() throws {
        let ok = Frame.Response.ok(V1.HealthResponse(status: .serving))
        #expect(try ok.result(as: V1.HealthResponse.self).status == .serving)
        let failed = Frame.Response(error: RPCError(code: .notFound, message: "schedule sch_9 not found"))
        let error = #expect(throws: RPCError.self) { try failed.result(as: V1.HealthResponse.self) }
        #expect(error?.code == .notFound)
    }

    @Test("encoding is deterministic")
    func deterministic() {
        for m in AllMessages.all { #expect(m.serializedBytes() == m.serializedBytes()) }
    }
}
