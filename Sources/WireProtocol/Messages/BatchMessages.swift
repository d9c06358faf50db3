extension SchedulerV1 {
    /// Up to 500 enqueues in one call (`scheduler.v1.EnqueueBatchRequest`).
    public struct EnqueueBatchRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.EnqueueBatchRequest"
        /// 1–500 whole requests, each with its own project id and idempotency key.
        public var items: [EnqueueRequest]
        /// Decoding only: the items that did not validate, by index (their entry in ``items`` is a
        /// placeholder). Each is refused on its own; the others go ahead.
        public internal(set) var itemErrors: [Int: RPCError] = [:]

        /// A batch of the given requests, in order.
        public init(items: [EnqueueRequest]) { self.items = items }

        public init(from r: ProtoReader) throws(RPCError) {
            (items, itemErrors) = try r.batchItems("items", placeholder: EnqueueRequest(projectID: "", contentID: "", platforms: []))
        }

        public func write(to w: inout ProtoWriter) { w.set("items", messages: items) }

        /// Equal when the items are (decoding errors are not part of the message).
        public static func == (a: Self, b: Self) -> Bool { a.items == b.items }
        /// Hashes the items, like ``==``.
        public func hash(into h: inout Hasher) { h.combine(items) }
    }

    /// Why one item of a batch was refused (`scheduler.v1.ItemError`): what the single call
    /// would have answered.
    public struct ItemError: WireMessage {
        public static let protoMessageName = "scheduler.v1.ItemError"
        /// The gRPC status code the single call would have answered.
        public var code: StatusCode
        /// What went wrong, for a person.
        public var message: String
        /// The offending field as a path from the batch request; "" when none.
        public var field: String
        /// The blocking conflicts that refused it.
        public var conflicts: [Conflict]

        /// An item's error with its code, message, field path and blocking conflicts.
        public init(code: StatusCode, message: String, field: String = "", conflicts: [Conflict] = []) {
            self.code = code
            self.message = message
            self.field = field
            self.conflicts = conflicts
        }

        /// The error a single call would have thrown.
        public init(_ error: RPCError) {
            self.init(
                code: error.code, message: error.message, field: error.details.fieldViolations.first?.field ?? "",
                conflicts: error.details.conflicts)
        }

        public init(from r: ProtoReader) throws(RPCError) {
            code = StatusCode(rawValue: r.uint32("code"))
            message = try r.text("message")
            field = try r.text("field")
            conflicts = try r.messages("conflicts", max: Limits.maxConflicts)
        }

        public func write(to w: inout ProtoWriter) {
            w.set("code", code.rawValue)
            w.set("message", message)
            w.set("field", field)
            w.set("conflicts", messages: conflicts)
        }
    }

    /// One item's outcome in an EnqueueBatch (`scheduler.v1.EnqueueBatchResult`).
    public struct EnqueueBatchResult: WireMessage {
        public static let protoMessageName = "scheduler.v1.EnqueueBatchResult"
        /// Set when the item was stored (or replayed by its idempotency key).
        public var created: EnqueueResponse?
        /// Set when it was refused.
        public var error: ItemError?

        /// One item's outcome: `created` or `error`.
        public init(created: EnqueueResponse? = nil, error: ItemError? = nil) {
            self.created = created
            self.error = error
        }

        public init(from r: ProtoReader) throws(RPCError) {
            created = try r.message("created")
            error = try r.message("error")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("created", message: created)
            w.set("error", message: error)
        }
    }

    /// `scheduler.v1.EnqueueBatchResponse`: one result per item, in order.
    public struct EnqueueBatchResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.EnqueueBatchResponse"
        /// One result per item, in the order of the request.
        public var results: [EnqueueBatchResult]

        /// The results, one per item in order.
        public init(results: [EnqueueBatchResult] = []) { self.results = results }
        public init(from r: ProtoReader) throws(RPCError) {
            results = try r.messages("results", max: Limits.maxBatchItems)
        }
        public func write(to w: inout ProtoWriter) { w.set("results", messages: results) }
    }

    /// One finished item: its Complete or its Fail (`scheduler.v1.Acknowledgement`).
    public enum Acknowledgement: WireMessage {
        public static let protoMessageName = "scheduler.v1.Acknowledgement"
        case complete(CompleteRequest)
        case fail(FailRequest)

        public init(from r: ProtoReader) throws(RPCError) {
            if let c = try r.message("complete", as: CompleteRequest.self) {
                self = .complete(c)
            } else if let f = try r.message("fail", as: FailRequest.self) {
                self = .fail(f)
            } else {
                throw r.invalid("outcome", "required (complete or fail)")
            }
        }

        public func write(to w: inout ProtoWriter) {
            switch self {
            case .complete(let c): w.set("complete", message: c)
            case .fail(let f): w.set("fail", message: f)
            }
        }
    }

    /// Up to 500 acknowledgements in one call (`scheduler.v1.AcknowledgeRequest`).
    public struct AcknowledgeRequest: WireMessage {
        public static let protoMessageName = "scheduler.v1.AcknowledgeRequest"
        /// 1–500, applied in order.
        public var items: [Acknowledgement]
        /// Decoding only: the items that did not validate, by index (their entry in ``items`` is a
        /// placeholder). Each is refused on its own; the others go ahead.
        public internal(set) var itemErrors: [Int: RPCError] = [:]

        /// A batch of the given acknowledgements, applied in order.
        public init(items: [Acknowledgement]) { self.items = items }

        public init(from r: ProtoReader) throws(RPCError) {
            (items, itemErrors) = try r.batchItems(
                "items", placeholder: .complete(CompleteRequest(projectID: "", scheduleID: "", leaseToken: "")))
        }

        public func write(to w: inout ProtoWriter) { w.set("items", messages: items) }

        /// Equal when the items are (decoding errors are not part of the message).
        public static func == (a: Self, b: Self) -> Bool { a.items == b.items }
        /// Hashes the items, like ``==``.
        public func hash(into h: inout Hasher) { h.combine(items) }
    }

    /// One item's outcome in an Acknowledge (`scheduler.v1.AcknowledgeResult`).
    public struct AcknowledgeResult: WireMessage {
        public static let protoMessageName = "scheduler.v1.AcknowledgeResult"
        /// Set when the item was a Complete that was applied (or repeated).
        public var completed: CompleteResponse?
        /// Set when the item was a Fail that was applied (or repeated).
        public var failed: FailResponse?
        /// Set when it was refused.
        public var error: ItemError?

        /// One item's outcome: `completed`, `failed` or `error`.
        public init(completed: CompleteResponse? = nil, failed: FailResponse? = nil, error: ItemError? = nil) {
            self.completed = completed
            self.failed = failed
            self.error = error
        }

        public init(from r: ProtoReader) throws(RPCError) {
            completed = try r.message("completed")
            failed = try r.message("failed")
            error = try r.message("error")
        }

        public func write(to w: inout ProtoWriter) {
            w.set("completed", message: completed)
            w.set("failed", message: failed)
            w.set("error", message: error)
        }
    }

    /// `scheduler.v1.AcknowledgeResponse`: one result per item, in order.
    public struct AcknowledgeResponse: WireMessage {
        public static let protoMessageName = "scheduler.v1.AcknowledgeResponse"
        /// One result per item, in the order of the request.
        public var results: [AcknowledgeResult]

        /// The results, one per item in order.
        public init(results: [AcknowledgeResult] = []) { self.results = results }
        public init(from r: ProtoReader) throws(RPCError) {
            results = try r.messages("results", max: Limits.maxBatchItems)
        }
        public func write(to w: inout ProtoWriter) { w.set("results", messages: results) }
    }
}
