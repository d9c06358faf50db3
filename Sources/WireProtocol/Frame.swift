// Hand-written API on top of the generated frame messages (Generated/Frame.pb.swift).

/// Well-known metadata keys.
public enum MetadataKey {
    /// "Bearer <token>".
    public static let authorization = "authorization"
    /// W3C trace context, e.g. "00-<trace-id>-<span-id>-01".
    public static let traceparent = "traceparent"
    /// A client-chosen key making a mutating call safe to retry.
    public static let idempotencyKey = "idempotency-key"
}

extension Array where Element == MetadataEntry {
    /// The value of the first entry with `key`, or nil.
    public func first(_ key: String) -> String? { first(where: { $0.key == key })?.value }
}

extension Frame.Response {
    /// Creates a response frame body.
    public init(
        code: StatusCode = .ok,
        message: String = "",
        details: ErrorDetails = ErrorDetails(),
        payload: [UInt8] = [],
        metadata: [MetadataEntry] = []
    ) {
        self.code = code
        self.message = message
        self.conflicts = details.conflicts
        self.fieldViolations = details.fieldViolations
        self.retryInfo = details.retryInfo
        self.payload = payload
        self.metadata = metadata
    }

    /// Structured error details: the conflicts, field violations and retry advice.
    public var details: ErrorDetails {
        get { ErrorDetails(conflicts: conflicts, fieldViolations: fieldViolations, retryInfo: retryInfo) }
        set {
            conflicts = newValue.conflicts
            fieldViolations = newValue.fieldViolations
            retryInfo = newValue.retryInfo
        }
    }

    /// A successful response carrying `message` as its payload.
    public static func ok(_ message: some WireMessage, metadata: [MetadataEntry] = []) -> Frame.Response {
        Frame.Response(payload: message.serializedBytes(), metadata: metadata)
    }

    /// A failed response carrying `error`.
    public init(error: RPCError, metadata: [MetadataEntry] = []) {
        self.init(code: error.code, message: error.message, details: error.details, metadata: metadata)
    }

    /// The error this response carries, or nil when OK.
    public var error: RPCError? {
        code == .ok ? nil : RPCError(code: code, message: message, details: details)
    }

    /// The payload decoded as `M`, or the response's error.
    public func result<M: WireMessage>(as _: M.Type = M.self) throws(RPCError) -> M {
        if let error { throw error }
        return try M(serializedBytes: payload)
    }
}
