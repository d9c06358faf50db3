/// Waits until `condition` holds, checking every few milliseconds, for at most `timeout`; returns
/// whether it held. For state another thread settles a moment after the event the test saw (a
/// server forgetting a connection the client already found closed), not for waiting out time.
/// The bound is generous: in a full parallel run the cooperative pool can be busy for seconds,
/// and a condition that holds returns at once anyway.
public func eventually(
    timeout: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
}
