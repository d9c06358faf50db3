import Synchronization

/// A background loop: an optional first step, then a pass every `intervalMilliseconds` until
/// stopped. The maintenance engine, the alert dispatcher and the readiness probe run on it.
final class PeriodicTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    /// Starts the loop (a second start replaces nothing: call it once).
    func start(
        intervalMilliseconds: Int64, first: (@Sendable () async -> Void)? = nil,
        pass: @escaping @Sendable () async -> Void
    ) {
        let t = Task {
            await first?()
            while !Task.isCancelled {
                await pass()
                try? await Task.sleep(for: .milliseconds(intervalMilliseconds))
            }
        }
        task.withLock { $0 = t }
    }

    /// Cancels the loop and waits for the current pass to end.
    func stop() async {
        let t = task.withLock { t in
            defer { t = nil }
            return t
        }
        t?.cancel()
        await t?.value
    }
}
