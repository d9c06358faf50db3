/// Makes a ``SchedulerClient``, runs `body` with it and closes it when `body` returns or throws.
///
/// ```swift
/// let status = try await withSchedulerClient(configuration: config) { client in
///     try await client.health()
/// }
/// ```
///
/// The client is closed with ``SchedulerClient/close()`` before this returns: calls `body` left
/// running (in unstructured tasks) finish within their deadlines, and later calls fail with
/// FAILED_PRECONDITION. `body` runs in the caller's isolation.
///
/// - Returns: what `body` returns.
/// - Throws: ``SchedulerError`` INVALID_ARGUMENT for an address that cannot be parsed, a TLS error for
///   unreadable certificate files, or whatever `body` throws (after the client is closed).
public func withSchedulerClient<Result>(
    configuration: SchedulerClientConfiguration,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SchedulerClient) async throws -> Result
) async throws -> Result {
    let client = try SchedulerClient(configuration: configuration)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        await client.close()
        throw error
    }
    await client.close()
    return result
}
