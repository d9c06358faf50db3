/// The protocol's size limits and repeated-field caps, checked when decoding
/// (a violation is INVALID_ARGUMENT naming the field). Documented in docs/PROTOCOL.md.
public enum Limits {
    /// Default maximum frame size N (4 MiB); configurable per decoder.
    public static let defaultMaxFrameSize = 4 * 1024 * 1024
    /// Metadata entries per request or response.
    public static let maxMetadataEntries = 64
    /// Bytes in a metadata key.
    public static let maxMetadataKeyBytes = 128
    /// Bytes in a metadata value.
    public static let maxMetadataValueBytes = 8 * 1024
    /// Bytes in a method path.
    public static let maxMethodBytes = 256
    /// Bytes in an id (project, content, schedule, conflict, worker, lease token, idempotency key).
    public static let maxIDBytes = 256
    /// Bytes in free text (notes, errors, reasons, resolution).
    public static let maxTextBytes = 16 * 1024
    /// Bytes in metadata_json.
    public static let maxMetadataJSONBytes = 64 * 1024
    /// Bytes in a recurrence rule (rrule or cron).
    public static let maxRuleBytes = 1024
    /// Platforms per schedule.
    public static let maxPlatforms = 32
    /// Schedule ids per batch call.
    public static let maxBatchIDs = 1000
    /// Items in one EnqueueBatch or Acknowledge.
    public static let maxBatchItems = 500
    /// Items per page (List, ListConflicts) and per Dequeue.
    public static let maxPageSize = 100
    /// Conflicts in one message.
    public static let maxConflicts = 256
    /// Field violations in one response.
    public static let maxFieldViolations = 256
    /// Attempts recorded on a schedule.
    public static let maxAttempts = 1000
    /// Per-platform results in one message.
    public static let maxResults = 32
    /// Metrics days in a Stats response.
    public static let maxMetricsDays = 1000
    /// Platforms in a Stats response's per-platform counts (the server's known platforms are
    /// far fewer).
    public static let maxPlatformCounts = 1000
    /// Occurrences in one preview.
    public static let maxOccurrences = 1000
    /// The instants a `*_ms` field may hold, in Unix milliseconds: years 1900 through 9999, the
    /// service's supported range (SchedulingCore's `Instant.supportedRange`). 0 means "not set".
    public static let supportedInstantMilliseconds: ClosedRange<Int64> = -2_208_988_800_000...253_402_300_799_000

    static func isMetadataKeyByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
    }
}
