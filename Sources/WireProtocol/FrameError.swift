/// A framing (protocol) error: the byte stream cannot be read as frames any more.
///
/// After one, the connection should send a GoAway with ``statusCode`` and close.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of framing error; extensible.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The length prefix was 0 (a Frame always has a kind, so it is never empty).
        public static let emptyFrame = Code(rawValue: "empty_frame")
        /// The length prefix exceeded the maximum frame size.
        public static let frameTooLarge = Code(rawValue: "frame_too_large")
        /// The N bytes are not a valid `scheduler.v1.Frame`.
        public static let malformedFrame = Code(rawValue: "malformed_frame")

        public var description: String { rawValue }
    }

    /// The kind of error.
    public var code: Code
    /// A clear explanation, e.g. "frame length 5000000 exceeds the maximum 4194304".
    public var reason: String

    /// Creates an error.
    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// The status code to put in the GoAway: RESOURCE_EXHAUSTED for a frame over the cap,
    /// INVALID_ARGUMENT otherwise.
    public var statusCode: StatusCode { code == .frameTooLarge ? .resourceExhausted : .invalidArgument }

    public var description: String { "\(code): \(reason)" }
}
