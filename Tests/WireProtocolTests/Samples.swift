import WireProtocol

typealias V1 = SchedulerV1

/// The values the golden fixtures (Fixtures/make_fixtures.py) encode.
enum Samples {
    static let m = "scheduler.v1.Scheduler/"

    static let weekly = V1.Recurrence.shorthand(.init(pattern: .weekly, daysOfWeek: [1, 3, 5], hour: 9))

    static let schedule = V1.Schedule(
        id: "sch_01",
        projectID: "prj_1",
        contentID: "cnt_42",
        scheduledForMs: 1_737_381_600_000,
        localTime: "2025-01-20T09:00:00",
        timezone: "America/New_York",
        platforms: ["twitter", "linkedin"],
        priority: 5,
        queueStatus: .pending,
        status: .scheduled,
        isRecurring: true,
        recurrence: weekly,
        seriesID: "ser_7",
        maxRetries: 3,
        retryDelaySeconds: 300,
        idempotencyKey: "enq-2025-01-20",
        notes: "Weekly post",
        createdAtMs: 1_737_000_000_000,
        updatedAtMs: 1_737_000_000_000
    )

    static let enqueueRequest = V1.EnqueueRequest(
        projectID: "prj_1",
        contentID: "cnt_42",
        localTime: "2025-01-20T09:00:00",
        timezone: "America/New_York",
        platforms: ["twitter", "linkedin"],
        priority: 5,
        recurrence: weekly,
        maxRetries: 0,
        notes: "Weekly post",
        autoResolve: true,
        idempotencyKey: "enq-2025-01-20"
    )

    static let enqueueResponse = V1.EnqueueResponse(
        schedule: schedule,
        adjusted: true,
        originalTimeMs: 1_737_381_600_000,
        adjustedTimeMs: 1_737_382_500_000,
        conflicts: [
            V1.Conflict(
                type: .sameTime,
                severity: .warning,
                reason: "Another schedule exists within 1 minute",
                suggestion: "Space schedules at least 5 minutes apart",
                conflictingScheduleID: "sch_00",
                conflictTimeMs: 1_737_381_600_000
            )
        ],
        warning: "Schedule time adjusted to avoid conflicts"
    )

    static let dequeueRequest = V1.DequeueRequest(
        projectID: "prj_1",
        limit: 10,
        leaseSeconds: 120,
        workerID: "worker-a"
    )

    static var dequeueResponse: V1.DequeueResponse {
        var s = schedule
        s.queueStatus = .queued
        s.lease = V1.Lease(owner: "worker-a", token: "lt_9f2c", expiresAtMs: 1_737_381_720_000)
        return V1.DequeueResponse(items: [
            V1.DequeuedItem(
                schedule: s,
                leaseToken: "lt_9f2c",
                leaseExpiresAtMs: 1_737_381_720_000,
                attemptIdempotencyKey: "sch_01#1",
                attempt: 1
            )
        ])
    }

    static let failRequest = V1.FailRequest(
        projectID: "blog",
        scheduleID: "sch_01",
        leaseToken: "lt_9f2c",
        error: "HTTP 503 from api.twitter.com",
        retryable: true,
        results: [
            V1.PlatformResult(platform: "twitter", success: false, error: "HTTP 503"),
            V1.PlatformResult(
                platform: "linkedin",
                success: true,
                publishedURL: "https://www.linkedin.com/feed/update/1"
            ),
        ]
    )

    static let failResponse = V1.FailResponse(
        willRetry: true,
        nextAttemptAtMs: 1_737_381_900_000,
        schedule: V1.Schedule(
            id: "sch_01",
            projectID: "",
            contentID: "",
            scheduledForMs: 0,
            timezone: "",
            priority: 0,
            retryCount: 1,
            maxRetries: 0,
            retryDelaySeconds: 0
        )
    )

    static let statsResponse = V1.StatsResponse(
        stats: V1.QueueStats(
            pending: 12,
            queued: 2,
            processing: 1,
            completed: 145,
            failed: 3,
            cancelled: 5,
            paused: 0,
            avgWaitSeconds: 45,
            avgProcessingSeconds: 12,
            successRate: 97.3,
            peakQueueLength: 8
        ),
        metrics: [
            V1.QueueMetrics(
                id: "met_15",
                projectID: "prj_1",
                periodStartMs: 1_736_899_200_000,
                periodEndMs: 1_736_985_599_999,
                totalQueued: 15,
                totalProcessed: 14,
                totalCompleted: 13,
                totalFailed: 1,
                avgWaitSeconds: 50,
                avgProcessingSeconds: 15,
                peakQueueLength: 5,
                successRate: 92.9
            ),
            V1.QueueMetrics(projectID: "prj_1", periodStartMs: 1_736_985_600_000, periodEndMs: 1_737_071_999_999),
        ],
        pendingSchedules: 15,
        maxPendingSchedules: 100_000
    )

    static func request(
        _ method: String,
        _ payload: some WireMessage,
        metadata: [MetadataEntry] = [],
        timeoutMs: UInt64 = 0
    )
        -> Frame.Kind
    {
        .request(
            Frame.Request(
                method: m + method,
                metadata: metadata,
                timeoutMs: timeoutMs,
                payload: payload.serializedBytes()
            )
        )
    }

    /// name → (frame, payload message if any).
    static var golden: [(name: String, frame: Frame, payload: (any WireMessage)?)] {
        [
            (
                "enqueue_request",
                Frame(
                    callID: 1,
                    kind: request(
                        "Enqueue",
                        enqueueRequest,
                        metadata: [
                            MetadataEntry(key: "authorization", value: "Bearer st_abc_secret"),
                            MetadataEntry(
                                key: "traceparent",
                                value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                            ),
                            MetadataEntry(key: "idempotency-key", value: "enq-2025-01-20"),
                        ],
                        timeoutMs: 5000
                    )
                ), enqueueRequest
            ),
            ("enqueue_response", Frame(callID: 1, kind: .response(.ok(enqueueResponse))), enqueueResponse),
            (
                "enqueue_conflict_error",
                Frame(
                    callID: 2,
                    kind: .response(
                        Frame.Response(
                            error: RPCError(
                                code: .failedPrecondition,
                                message: "Schedule conflicts detected",
                                details: ErrorDetails(conflicts: [
                                    V1.Conflict(
                                        type: .rateLimit,
                                        severity: .error,
                                        reason: "Twitter rate limit (100/hour) would be exceeded",
                                        suggestion: "Schedule for different time or reduce posts",
                                        platform: "twitter",
                                        conflictTimeMs: 1_737_381_600_000
                                    )
                                ])
                            )
                        )
                    )
                ), nil
            ),
            (
                "invalid_argument_error",
                Frame(
                    callID: 3,
                    kind: .response(Frame.Response(error: .invalidArgument(field: "enqueue.platforms[1]", "empty")))
                ),
                nil
            ),
            (
                "dequeue_request",
                Frame(
                    callID: 4,
                    kind: request(
                        "Dequeue",
                        dequeueRequest,
                        metadata: [MetadataEntry(key: "authorization", value: "Bearer st_wrk_secret")],
                        timeoutMs: 30000
                    )
                ), dequeueRequest
            ),
            ("dequeue_response", Frame(callID: 4, kind: .response(.ok(dequeueResponse))), dequeueResponse),
            ("fail_request", Frame(callID: 5, kind: request("Fail", failRequest)), failRequest),
            ("fail_response", Frame(callID: 5, kind: .response(.ok(failResponse))), failResponse),
            ("stats_response", Frame(callID: 6, kind: .response(.ok(statsResponse))), statsResponse),
            ("health_request", Frame(callID: 7, kind: request("Health", V1.HealthRequest())), V1.HealthRequest()),
            (
                "health_response", Frame(callID: 7, kind: .response(.ok(V1.HealthResponse(status: .serving)))),
                V1.HealthResponse(status: .serving)
            ),
            ("cancel", Frame(callID: 4, kind: .cancel(Frame.Cancel(reason: "client gave up"))), nil),
            ("ping", Frame(callID: 0, kind: .ping(Frame.Ping(nonce: 42))), nil),
            ("pong", Frame(callID: 0, kind: .pong(Frame.Pong(nonce: 42))), nil),
            ("go_away", Frame(callID: 0, kind: .goAway(Frame.GoAway(lastCallID: 7, reason: "server draining"))), nil),
        ]
    }
}
