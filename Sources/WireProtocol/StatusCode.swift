/// A gRPC canonical status code (0–16), carried in `Response.code` and `GoAway.code`.
///
/// A struct rather than an enum so that codes this build does not know (a newer peer's) survive
/// decoding and can be compared; `isKnown` tells them apart.
public struct StatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code on the wire.
    public let rawValue: UInt32

    /// Wraps any numeric code, known or not.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Not an error; returned on success.
    public static let ok = StatusCode(rawValue: 0)
    /// The operation was cancelled, typically by the caller.
    public static let cancelled = StatusCode(rawValue: 1)
    /// Unknown error (e.g. a status code from another address space this side does not know).
    public static let unknown = StatusCode(rawValue: 2)
    /// The client specified an invalid argument (a bad field; details name it).
    public static let invalidArgument = StatusCode(rawValue: 3)
    /// The deadline expired before the operation could complete.
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    /// A requested entity (schedule, conflict) was not found.
    public static let notFound = StatusCode(rawValue: 5)
    /// The entity a client attempted to create already exists (idempotency-key clash).
    public static let alreadyExists = StatusCode(rawValue: 6)
    /// The caller does not have permission for this project or operation.
    public static let permissionDenied = StatusCode(rawValue: 7)
    /// A resource has been exhausted: rate limit, frame size, too many calls.
    public static let resourceExhausted = StatusCode(rawValue: 8)
    /// The system is not in a state required for the operation: an illegal transition,
    /// a stale lease token, or blocking conflicts.
    public static let failedPrecondition = StatusCode(rawValue: 9)
    /// The operation was aborted, typically a concurrency conflict; retry the whole sequence.
    public static let aborted = StatusCode(rawValue: 10)
    /// The operation was attempted past the valid range.
    public static let outOfRange = StatusCode(rawValue: 11)
    /// The method is not implemented or not supported (an unknown method).
    public static let unimplemented = StatusCode(rawValue: 12)
    /// An internal invariant was broken.
    public static let `internal` = StatusCode(rawValue: 13)
    /// The service is currently unavailable (e.g. draining); retrying with backoff is safe.
    public static let unavailable = StatusCode(rawValue: 14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = StatusCode(rawValue: 15)
    /// The request does not have valid authentication credentials.
    public static let unauthenticated = StatusCode(rawValue: 16)

    /// Every canonical code, in numeric order.
    public static let allCanonical: [StatusCode] = (0...16).map { StatusCode(rawValue: $0) }

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    ]

    /// Whether this is one of gRPC's canonical codes 0–16.
    public var isKnown: Bool { rawValue <= 16 }

    /// The gRPC name, e.g. "INVALID_ARGUMENT"; "CODE_<n>" for codes outside 0–16.
    public var name: String { isKnown ? Self.names[Int(rawValue)] : "CODE_\(rawValue)" }

    /// The code for a name such as "NOT_FOUND", or nil.
    public init?(name: String) {
        guard let i = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: UInt32(i))
    }

    public var description: String { name }
}
