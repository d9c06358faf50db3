/// Exponential backoff for failed publishes (the seed's retryCount / maxRetries / retryDelay).
///
/// Retry *n* (1-based) waits `baseDelay × 2^(n−1)` seconds, capped at `maxDelay`, optionally
/// spread by ± `jitter` (a fraction, 0…1) to keep retries of many items from landing together.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts after the first before the item fails for good. Default 3.
    public var maxRetries: Int
    /// Delay before the first retry, in seconds. Default 300 (the seed's retryDelay).
    public var baseDelaySeconds: Int64
    /// Upper bound of any delay, in seconds. Default 24 h.
    public var maxDelaySeconds: Int64
    /// Fraction of the delay by which it may be moved earlier or later (0 = exact). Default 0.
    public var jitter: Double

    public init(maxRetries: Int = 3, baseDelaySeconds: Int64 = 300, maxDelaySeconds: Int64 = 86_400, jitter: Double = 0) {
        self.maxRetries = maxRetries
        self.baseDelaySeconds = baseDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.jitter = jitter
    }

    /// The delay before retry number `retry` (1 = first retry), without jitter.
    public func delaySeconds(forRetry retry: Int) -> Int64 {
        precondition(retry >= 1, "retries are numbered from 1")
        let shift = min(retry - 1, 62)
        let (doubled, overflow) = baseDelaySeconds.multipliedReportingOverflow(by: Int64(1) << shift)
        if overflow || shift >= 62 { return maxDelaySeconds }
        return min(doubled, maxDelaySeconds)
    }

    /// The delay before retry `retry` with jitter drawn from `random` (a value in 0…1).
    public func delaySeconds(forRetry retry: Int, random: Double) -> Int64 {
        let d = delaySeconds(forRetry: retry)
        guard jitter > 0 else { return d }
        let spread = Double(d) * min(jitter, 1) * (random * 2 - 1)
        return max(1, min(maxDelaySeconds, d + Int64(spread.rounded())))
    }

    /// What a failed attempt leads to.
    public enum Decision: Sendable, Hashable {
        /// Back to PENDING at `at` with `retryCount` retries used.
        case retry(at: Instant, retryCount: Int)
        /// No retries left and nothing was published: FAILED.
        case fail
        /// No retries left but some platforms published: COMPLETED (the seed's rule).
        case completePartially
    }

    /// Decides the outcome of a failed attempt.
    ///
    /// - Parameters:
    ///   - retryCount: retries used before this failure.
    ///   - partialSuccess: whether at least one platform published in this attempt.
    ///   - retryable: false for failures that retrying cannot fix.
    ///   - now: when the failure was reported.
    ///   - random: a value in 0…1 for jitter.
    public func decide(retryCount: Int, partialSuccess: Bool, retryable: Bool = true, now: Instant, random: Double = 0.5)
        -> Decision
    {
        if retryable && retryCount < maxRetries {
            let next = retryCount + 1
            return .retry(at: now.adding(seconds: delaySeconds(forRetry: next, random: random)), retryCount: next)
        }
        return partialSuccess ? .completePartially : .fail
    }
}
