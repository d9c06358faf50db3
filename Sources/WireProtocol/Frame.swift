/// One unit on a connection: a call id and what happens to that call.
///
/// On the wire a frame is a 4-byte big-endian length N followed by N bytes of the serialized
/// `scheduler.v1.Frame` (see ``FrameEncoder`` and ``FrameDecoder``).
public struct Frame: WireMessage {
    public static let protoMessageName = "scheduler.v1.Frame"

    /// The call this frame belongs to; 0 for connection-level frames (ping, pong, go-away).
    public var callID: UInt64
    /// What the frame carries.
    public var kind: Kind

    /// What a frame carries (the `kind` oneof).
    public enum Kind: Hashable, Sendable {
        /// Client → server: start a call.
        case request(Request)
        /// Server → client: the call's result (exactly one per call).
        case response(Response)
        /// Client → server: abandon the call.
        case cancel(Cancel)
        /// Either side: are you there?
        case ping(Ping)
        /// The answer to a ping, echoing its nonce.
        case pong(Pong)
        /// The sender accepts no new calls on this connection.
        case goAway(GoAway)
    }

    /// Creates a frame.
    public init(callID: UInt64, kind: Kind) {
        self.callID = callID
        self.kind = kind
    }

    public init(from r: ProtoReader) throws(RPCError) {
        callID = r.uint64("call_id")
        if let v = try r.message("request", as: Request.self) {
            kind = .request(v)
        } else if let v = try r.message("response", as: Response.self) {
            kind = .response(v)
        } else if let v = try r.message("cancel", as: Cancel.self) {
            kind = .cancel(v)
        } else if let v = try r.message("ping", as: Ping.self) {
            kind = .ping(v)
        } else if let v = try r.message("pong", as: Pong.self) {
            kind = .pong(v)
        } else if let v = try r.message("go_away", as: GoAway.self) {
            kind = .goAway(v)
        } else {
            throw r.invalid("kind", "required (one of request, response, cancel, ping, pong, go_away)")
        }
    }

    public func write(to w: inout ProtoWriter) {
        w.set("call_id", callID)
        switch kind {
        case .request(let v): w.set("request", message: v)
        case .response(let v): w.set("response", message: v)
        case .cancel(let v): w.set("cancel", message: v)
        case .ping(let v): w.set("ping", message: v)
        case .pong(let v): w.set("pong", message: v)
        case .goAway(let v): w.set("go_away", message: v)
        }
    }
}

/// One metadata entry of a request or response (`scheduler.v1.MetadataEntry`).
public struct MetadataEntry: WireMessage {
    public static let protoMessageName = "scheduler.v1.MetadataEntry"
    /// Lowercase ASCII key, 1–128 bytes: "authorization", "traceparent", "idempotency-key", …
    public var key: String
    /// The value, at most 8 KiB.
    public var value: String

    /// Creates an entry.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public init(from r: ProtoReader) throws(RPCError) {
        key = r.string("key")
        value = r.string("value")
        guard !key.isEmpty else { throw r.invalid("key", "empty") }
        guard key.utf8.count <= Limits.maxMetadataKeyBytes else {
            throw r.invalid("key", "longer than \(Limits.maxMetadataKeyBytes) bytes")
        }
        guard key.utf8.allSatisfy({ Limits.isMetadataKeyByte($0) }) else {
            throw r.invalid("key", "must be lowercase ASCII letters, digits, '-', '_' or '.'")
        }
        guard value.utf8.count <= Limits.maxMetadataValueBytes else {
            throw r.invalid("value", "longer than \(Limits.maxMetadataValueBytes) bytes")
        }
    }

    public func write(to w: inout ProtoWriter) {
        w.set("key", key)
        w.set("value", value)
    }
}

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

extension Frame {
    /// Client → server: start a call (`scheduler.v1.Request`).
    public struct Request: WireMessage {
        public static let protoMessageName = "scheduler.v1.Request"
        /// "scheduler.v1.Scheduler/<Method>".
        public var method: String
        /// Call metadata, in order; keys may repeat.
        public var metadata: [MetadataEntry]
        /// Milliseconds the client will wait for the response; 0 = no deadline.
        public var timeoutMs: UInt64
        /// The serialized request message.
        public var payload: [UInt8]

        /// Creates a request frame body.
        public init(method: String, metadata: [MetadataEntry] = [], timeoutMs: UInt64 = 0, payload: [UInt8] = []) {
            self.method = method
            self.metadata = metadata
            self.timeoutMs = timeoutMs
            self.payload = payload
        }

        public init(from r: ProtoReader) throws(RPCError) {
            method = r.string("method")
            guard !method.isEmpty else { throw r.invalid("method", "required") }
            guard method.utf8.count <= Limits.maxMethodBytes else {
                throw r.invalid("method", "longer than \(Limits.maxMethodBytes) bytes")
            }
            metadata = try r.messages("metadata", max: Limits.maxMetadataEntries)
            timeoutMs = r.uint64("timeout_ms")
            payload = r.bytes("payload")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("method", method)
            w.set("metadata", messages: metadata)
            w.set("timeout_ms", timeoutMs)
            w.set("payload", payload)
        }
    }

    /// Server → client: the result of a call (`scheduler.v1.Response`).
    public struct Response: WireMessage {
        public static let protoMessageName = "scheduler.v1.Response"
        /// OK, or the error's code.
        public var code: StatusCode
        /// Empty when OK.
        public var message: String
        /// Structured error details.
        public var details: ErrorDetails
        /// The serialized response message when OK.
        public var payload: [UInt8]
        /// Response metadata.
        public var metadata: [MetadataEntry]

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
            self.details = details
            self.payload = payload
            self.metadata = metadata
        }

        /// A successful response carrying `message` as its payload.
        public static func ok(_ message: some WireMessage, metadata: [MetadataEntry] = []) -> Response {
            Response(payload: message.serializedBytes(), metadata: metadata)
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

        public init(from r: ProtoReader) throws(RPCError) {
            code = StatusCode(rawValue: r.uint32("code"))
            message = r.string("message")
            details = ErrorDetails(
                conflicts: try r.messages("conflicts", max: Limits.maxConflicts),
                fieldViolations: try r.messages("field_violations", max: Limits.maxFieldViolations),
                retryInfo: try r.message("retry_info")
            )
            payload = r.bytes("payload")
            metadata = try r.messages("metadata", max: Limits.maxMetadataEntries)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("code", code.rawValue)
            w.set("message", message)
            w.set("conflicts", messages: details.conflicts)
            w.set("field_violations", messages: details.fieldViolations)
            w.set("retry_info", message: details.retryInfo)
            w.set("payload", payload)
            w.set("metadata", messages: metadata)
        }
    }

    /// Client → server: abandon a call (`scheduler.v1.Cancel`).
    public struct Cancel: WireMessage {
        public static let protoMessageName = "scheduler.v1.Cancel"
        /// Why, for logs.
        public var reason: String

        /// Creates a cancel frame body.
        public init(reason: String = "") { self.reason = reason }
        public init(from r: ProtoReader) throws(RPCError) { reason = r.string("reason") }
        public func write(to w: inout ProtoWriter) { w.set("reason", reason) }
    }

    /// Keep-alive probe (`scheduler.v1.Ping`); answered by a ``Pong`` with the same nonce.
    public struct Ping: WireMessage {
        public static let protoMessageName = "scheduler.v1.Ping"
        /// Echoed in the pong.
        public var nonce: UInt64

        /// Creates a ping.
        public init(nonce: UInt64) { self.nonce = nonce }
        public init(from r: ProtoReader) throws(RPCError) { nonce = r.uint64("nonce") }
        public func write(to w: inout ProtoWriter) { w.set("nonce", nonce) }
    }

    /// The answer to a ping (`scheduler.v1.Pong`).
    public struct Pong: WireMessage {
        public static let protoMessageName = "scheduler.v1.Pong"
        /// The ping's nonce.
        public var nonce: UInt64

        /// Creates a pong.
        public init(nonce: UInt64) { self.nonce = nonce }
        public init(from r: ProtoReader) throws(RPCError) { nonce = r.uint64("nonce") }
        public func write(to w: inout ProtoWriter) { w.set("nonce", nonce) }
    }

    /// The sender accepts no new calls (`scheduler.v1.GoAway`).
    public struct GoAway: WireMessage {
        public static let protoMessageName = "scheduler.v1.GoAway"
        /// Calls with ids up to this one are (or will be) answered; later ones were not processed.
        public var lastCallID: UInt64
        /// Why, for logs.
        public var reason: String
        /// OK when draining gracefully; otherwise the protocol error's code.
        public var code: StatusCode

        /// Creates a go-away.
        public init(lastCallID: UInt64, reason: String = "", code: StatusCode = .ok) {
            self.lastCallID = lastCallID
            self.reason = reason
            self.code = code
        }

        public init(from r: ProtoReader) throws(RPCError) {
            lastCallID = r.uint64("last_call_id")
            reason = r.string("reason")
            code = StatusCode(rawValue: r.uint32("code"))
        }

        public func write(to w: inout ProtoWriter) {
            w.set("last_call_id", lastCallID)
            w.set("reason", reason)
            w.set("code", code.rawValue)
        }
    }
}

extension FieldViolation: WireMessage {
    public static let protoMessageName = "scheduler.v1.FieldViolation"
    public init(from r: ProtoReader) throws(RPCError) {
        self.init(field: r.string("field"), description: r.string("description"))
    }
    public func write(to w: inout ProtoWriter) {
        w.set("field", field)
        w.set("description", description)
    }
}

extension RetryInfo: WireMessage {
    public static let protoMessageName = "scheduler.v1.RetryInfo"
    public init(from r: ProtoReader) throws(RPCError) { self.init(retryDelayMs: r.uint64("retry_delay_ms")) }
    public func write(to w: inout ProtoWriter) { w.set("retry_delay_ms", retryDelayMs) }
}
