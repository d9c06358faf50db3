import Synchronization
import WireProtocol

/// What one call (all its attempts) has done so far, shared by the attempts and the deadline race.
///
/// The deadline task marks ``deadlinePassed`` before it cancels the attempts, so the attempt's
/// cancellation handler (which runs synchronously inside `cancelAll`) sends a cancel frame saying
/// "deadline exceeded" and reports DEADLINE_EXCEEDED rather than CANCELLED.
final class CallProgress: Sendable {
    private let sent = Atomic<Bool>(false)
    private let expired = Atomic<Bool>(false)
    private let lastFailure = Mutex<SchedulerError?>(nil)

    init() {}

    /// Some attempt handed its request to a connection: the server may have seen the call.
    var wasSent: Bool { sent.load(ordering: .acquiring) }
    func markSent() { sent.store(true, ordering: .releasing) }

    /// An attempt failed and will be retried after a backoff: named in DEADLINE_EXCEEDED's message
    /// if the deadline passes before a later attempt has an answer.
    func recordRetriedFailure(_ e: SchedulerError) { lastFailure.withLock { $0 = e } }

    /// The call's deadline passed.
    var deadlinePassed: Bool { expired.load(ordering: .acquiring) }
    func markDeadlinePassed() { expired.store(true, ordering: .releasing) }

    /// The error of an attempt stopped by task cancellation: DEADLINE_EXCEEDED when the deadline
    /// stopped it, else CANCELLED (the caller's task was cancelled).
    func cancellation(cause: SchedulerError.Cause) -> SchedulerError {
        deadlinePassed ? deadlineExceeded() : SchedulerError(code: .cancelled, message: "cancelled by the caller", cause: cause)
    }

    /// DEADLINE_EXCEEDED, with the cause saying whether any attempt's request was written.
    func deadlineExceeded() -> SchedulerError {
        var message = "the call's deadline passed before an answer came (client side)"
        if let last = lastFailure.withLock({ $0 }) { message += "; the last attempt failed with \(last)" }
        return SchedulerError(code: .deadlineExceeded, message: message, cause: wasSent ? .sentNoAnswer : .notSent)
    }
}

/// Runs `body` and fails with DEADLINE_EXCEEDED at `deadline` if it has not finished, the way
/// grpc-swift-2 races a call against its deadline: both run as children of one task group; the
/// first to finish decides, and the other is cancelled and awaited before this returns.
///
/// Only a call that must connect first, or retries, runs in this race (two tasks and a dispatch
/// timer: about half the client's CPU of a small call). The first attempt on a connection already
/// up runs in the caller's task, and its channel enforces the deadline (``RPCChannel``).
///
/// `body` must end promptly once cancelled (every wait in a call does: the handshake wait, the call
/// itself, which then sends a cancel frame, and the backoff sleep).
func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant, progress: CallProgress,
    _ body: @escaping @Sendable () async -> Result<T, SchedulerError>
) async -> Result<T, SchedulerError> {
    await withTaskGroup(of: Result<T, SchedulerError>?.self) { group in
        group.addTask { await body() }
        group.addTask {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return nil  // cancelled: the body finished first, or the caller was cancelled
            }
            progress.markDeadlinePassed()
            return .failure(progress.deadlineExceeded())
        }
        // The timer's nil (it was cancelled along with the caller) is not a result: wait for the body.
        while let next = await group.next() {
            guard let result = next else { continue }
            group.cancelAll()
            return result
        }
        preconditionFailure("the body always returns a result")
    }
}
