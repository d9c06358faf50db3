import SchedulingCore
import Testing

@Suite("Lifecycle")
struct LifecycleTests {
    static let allStates: [ScheduleState] = QueueStatus.allCases.map { q in
        switch q {
        case .pending, .queued, .paused: ScheduleState(queue: q, schedule: .scheduled)
        case .processing: ScheduleState(queue: q, schedule: .active)
        case .completed: ScheduleState(queue: q, schedule: .published)
        case .failed: ScheduleState(queue: q, schedule: .failed)
        case .cancelled: ScheduleState(queue: q, schedule: .cancelled)
        }
    }

    /// The expected table, written out independently of the implementation.
    static let expected: [LifecycleEvent: [QueueStatus: ScheduleState]] = [
        .dequeue: [.pending: .init(queue: .queued, schedule: .scheduled), .queued: .init(queue: .queued, schedule: .scheduled)],
        .leaseExpired: [.queued: .init(queue: .pending, schedule: .scheduled)],
        .start: [.queued: .init(queue: .processing, schedule: .active)],
        .complete: [
            .queued: .init(queue: .completed, schedule: .published), .processing: .init(queue: .completed, schedule: .published),
        ],
        .retry: [.queued: .init(queue: .pending, schedule: .scheduled), .processing: .init(queue: .pending, schedule: .scheduled)],
        .fail: [.queued: .init(queue: .failed, schedule: .failed), .processing: .init(queue: .failed, schedule: .failed)],
        .outcomeUnknown: [.processing: .init(queue: .failed, schedule: .failed)],
        .confirmPublished: [.failed: .init(queue: .completed, schedule: .published)],
        .cancel: [
            .pending: .init(queue: .cancelled, schedule: .cancelled), .queued: .init(queue: .cancelled, schedule: .cancelled),
            .paused: .init(queue: .cancelled, schedule: .cancelled),
        ],
        .pause: [.pending: .init(queue: .paused, schedule: .scheduled), .queued: .init(queue: .paused, schedule: .scheduled)],
        .resume: [.paused: .init(queue: .pending, schedule: .scheduled)],
        .update: [
            .pending: .init(queue: .pending, schedule: .scheduled), .queued: .init(queue: .pending, schedule: .scheduled),
            .paused: .init(queue: .paused, schedule: .scheduled),
        ],
        .publishNow: Dictionary(
            uniqueKeysWithValues: [QueueStatus.pending, .queued, .paused, .failed, .cancelled].map {
                ($0, ScheduleState(queue: .pending, schedule: .scheduled))
            }),
        .reschedule: Dictionary(
            uniqueKeysWithValues: [QueueStatus.pending, .queued, .paused, .failed, .cancelled].map {
                ($0, ScheduleState(queue: .pending, schedule: .scheduled))
            }),
        .expire: [.pending: .init(queue: .failed, schedule: .expired), .queued: .init(queue: .failed, schedule: .expired)],
        .skip: [.pending: .init(queue: .cancelled, schedule: .skipped), .queued: .init(queue: .cancelled, schedule: .skipped)],
    ]

    @Test("every event from every state", arguments: LifecycleEvent.allCases)
    func everyTransition(_ event: LifecycleEvent) throws {
        let table = try #require(Self.expected[event])
        for state in Self.allStates {
            if let target = table[state.queue] {
                #expect(try Lifecycle.apply(event, to: state) == target, "\(event) from \(state)")
                #expect(Lifecycle.can(event, from: state))
            } else {
                #expect(throws: IllegalTransition(event: event, current: state)) {
                    try Lifecycle.apply(event, to: state)
                }
                #expect(!Lifecycle.can(event, from: state))
            }
        }
    }

    @Test("an illegal transition names the current state")
    func illegalMessage() {
        let e = IllegalTransition(event: .cancel, current: ScheduleState(queue: .processing, schedule: .active))
        #expect(e.description == "cannot cancel a schedule that is PROCESSING (ACTIVE)")
    }

    @Test("completed is final")
    func completedIsFinal() {
        let done = ScheduleState(queue: .completed, schedule: .published)
        for event in LifecycleEvent.allCases { #expect(!Lifecycle.can(event, from: done)) }
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("exponential backoff from retryDelay, doubling, capped")
    func backoff() {
        let p = RetryPolicy()
        #expect(p.maxRetries == 3)
        #expect([1, 2, 3, 4].map { p.delaySeconds(forRetry: $0) } == [300, 600, 1200, 2400])
        #expect(p.delaySeconds(forRetry: 9) == 76_800)
        #expect(p.delaySeconds(forRetry: 10) == 86_400)
        #expect(p.delaySeconds(forRetry: 500) == 86_400)
        let small = RetryPolicy(baseDelaySeconds: 10, maxDelaySeconds: 50)
        #expect([1, 2, 3, 4].map { small.delaySeconds(forRetry: $0) } == [10, 20, 40, 50])
    }

    @Test("jitter stays within the fraction")
    func jitter() {
        let p = RetryPolicy(jitter: 0.2)
        #expect(p.delaySeconds(forRetry: 1, random: 0) == 240)
        #expect(p.delaySeconds(forRetry: 1, random: 1) == 360)
        #expect(p.delaySeconds(forRetry: 1, random: 0.5) == 300)
        #expect(RetryPolicy().delaySeconds(forRetry: 1, random: 0) == 300)
    }

    @Test("decisions: retry until maxRetries, then fail or complete partially")
    func decisions() {
        let p = RetryPolicy()
        let now = Instant(unixSeconds: 1_000_000)
        #expect(p.decide(retryCount: 0, partialSuccess: false, now: now) == .retry(at: now.adding(seconds: 300), retryCount: 1))
        #expect(p.decide(retryCount: 2, partialSuccess: true, now: now) == .retry(at: now.adding(seconds: 1200), retryCount: 3))
        #expect(p.decide(retryCount: 3, partialSuccess: false, now: now) == .fail)
        #expect(p.decide(retryCount: 3, partialSuccess: true, now: now) == .completePartially)
        #expect(p.decide(retryCount: 0, partialSuccess: false, retryable: false, now: now) == .fail)
    }
}
