/// One RPC method: its path and its request and response message types.
public protocol RPCMethod: Sendable {
    associatedtype Request: WireMessage
    associatedtype Response: WireMessage
    /// The method's short name, e.g. "Enqueue".
    static var name: String { get }
}

extension RPCMethod {
    /// "scheduler.v1.Scheduler/<name>", the value of `Request.method`.
    public static var path: String { "\(SchedulerV1.Scheduler.serviceName)/\(name)" }
}

/// A method as a value (for tables and dispatch).
public struct MethodDescriptor: Hashable, Sendable {
    /// Short name, e.g. "Enqueue".
    public let name: String
    /// Full path, e.g. "scheduler.v1.Scheduler/Enqueue".
    public let path: String
    /// Protobuf name of the request message.
    public let requestMessageName: String
    /// Protobuf name of the response message.
    public let responseMessageName: String

    init<M: RPCMethod>(_: M.Type) {
        name = M.name
        path = M.path
        requestMessageName = M.Request.protoMessageName
        responseMessageName = M.Response.protoMessageName
    }
}

extension SchedulerV1 {
    /// The `scheduler.v1.Scheduler` service: one nested type per method.
    public enum Scheduler {
        /// "scheduler.v1.Scheduler".
        public static let serviceName = "scheduler.v1.Scheduler"

        public enum Enqueue: RPCMethod {
            public typealias Request = EnqueueRequest
            public typealias Response = EnqueueResponse
            public static let name = "Enqueue"
        }
        public enum Dequeue: RPCMethod {
            public typealias Request = DequeueRequest
            public typealias Response = DequeueResponse
            public static let name = "Dequeue"
        }
        public enum Start: RPCMethod {
            public typealias Request = StartRequest
            public typealias Response = StartResponse
            public static let name = "Start"
        }
        public enum Heartbeat: RPCMethod {
            public typealias Request = HeartbeatRequest
            public typealias Response = HeartbeatResponse
            public static let name = "Heartbeat"
        }
        public enum Complete: RPCMethod {
            public typealias Request = CompleteRequest
            public typealias Response = CompleteResponse
            public static let name = "Complete"
        }
        public enum Fail: RPCMethod {
            public typealias Request = FailRequest
            public typealias Response = FailResponse
            public static let name = "Fail"
        }
        public enum Get: RPCMethod {
            public typealias Request = GetRequest
            public typealias Response = GetResponse
            public static let name = "Get"
        }
        public enum List: RPCMethod {
            public typealias Request = ListRequest
            public typealias Response = ListResponse
            public static let name = "List"
        }
        public enum Update: RPCMethod {
            public typealias Request = UpdateRequest
            public typealias Response = UpdateResponse
            public static let name = "Update"
        }
        public enum Cancel: RPCMethod {
            public typealias Request = CancelRequest
            public typealias Response = CancelResponse
            public static let name = "Cancel"
        }
        public enum Pause: RPCMethod {
            public typealias Request = PauseRequest
            public typealias Response = PauseResponse
            public static let name = "Pause"
        }
        public enum Resume: RPCMethod {
            public typealias Request = ResumeRequest
            public typealias Response = ResumeResponse
            public static let name = "Resume"
        }
        public enum BatchPause: RPCMethod {
            public typealias Request = BatchPauseRequest
            public typealias Response = BatchPauseResponse
            public static let name = "BatchPause"
        }
        public enum BatchResume: RPCMethod {
            public typealias Request = BatchResumeRequest
            public typealias Response = BatchResumeResponse
            public static let name = "BatchResume"
        }
        public enum BatchCancel: RPCMethod {
            public typealias Request = BatchCancelRequest
            public typealias Response = BatchCancelResponse
            public static let name = "BatchCancel"
        }
        public enum PublishNow: RPCMethod {
            public typealias Request = PublishNowRequest
            public typealias Response = PublishNowResponse
            public static let name = "PublishNow"
        }
        public enum Reschedule: RPCMethod {
            public typealias Request = RescheduleRequest
            public typealias Response = RescheduleResponse
            public static let name = "Reschedule"
        }
        public enum Validate: RPCMethod {
            public typealias Request = ValidateRequest
            public typealias Response = ValidateResponse
            public static let name = "Validate"
        }
        public enum Stats: RPCMethod {
            public typealias Request = StatsRequest
            public typealias Response = StatsResponse
            public static let name = "Stats"
        }
        public enum ListConflicts: RPCMethod {
            public typealias Request = ListConflictsRequest
            public typealias Response = ListConflictsResponse
            public static let name = "ListConflicts"
        }
        public enum ResolveConflict: RPCMethod {
            public typealias Request = ResolveConflictRequest
            public typealias Response = ResolveConflictResponse
            public static let name = "ResolveConflict"
        }
        public enum PreviewOccurrences: RPCMethod {
            public typealias Request = PreviewOccurrencesRequest
            public typealias Response = PreviewOccurrencesResponse
            public static let name = "PreviewOccurrences"
        }
        public enum Health: RPCMethod {
            public typealias Request = HealthRequest
            public typealias Response = HealthResponse
            public static let name = "Health"
        }
        public enum EnqueueBatch: RPCMethod {
            public typealias Request = EnqueueBatchRequest
            public typealias Response = EnqueueBatchResponse
            public static let name = "EnqueueBatch"
        }
        public enum Acknowledge: RPCMethod {
            public typealias Request = AcknowledgeRequest
            public typealias Response = AcknowledgeResponse
            public static let name = "Acknowledge"
        }
        /// A project's recent webhook alerts and their delivery state.
        public enum ListAlerts: RPCMethod {
            public typealias Request = ListAlertsRequest
            public typealias Response = ListAlertsResponse
            public static let name = "ListAlerts"
        }

        /// Every method, in the order of scheduler.proto.
        public static let methods: [MethodDescriptor] = [
            .init(Enqueue.self), .init(Dequeue.self), .init(Start.self), .init(Heartbeat.self), .init(Complete.self),
            .init(Fail.self), .init(Get.self), .init(List.self), .init(Update.self), .init(Cancel.self),
            .init(Pause.self), .init(Resume.self), .init(BatchPause.self), .init(BatchResume.self),
            .init(BatchCancel.self), .init(PublishNow.self), .init(Reschedule.self), .init(Validate.self),
            .init(Stats.self), .init(ListConflicts.self), .init(ResolveConflict.self),
            .init(PreviewOccurrences.self), .init(Health.self), .init(EnqueueBatch.self), .init(Acknowledge.self),
            .init(ListAlerts.self),
        ]

        /// The method for a path, or nil (the server answers UNIMPLEMENTED).
        public static func method(forPath path: String) -> MethodDescriptor? {
            methods.first { $0.path == path }
        }
    }
}

/// The method table as protoc-c's service descriptor declares it (for cross-checks in tests).
public enum ContractIntrospection {
    /// "scheduler.v1.Scheduler/<Method>" → (request, response) protobuf names, from the
    /// generated C descriptors, in declaration order.
    public static var generatedMethods: [(path: String, request: String, response: String)] {
        ProtoBridge.registry.methodOrder.map { p in
            // methodOrder and methods are filled together from the same service descriptor.
            let m = ProtoBridge.registry.methods[p]!
            return (p, m.input, m.output)
        }
    }

    /// Every protobuf message name known to the generated C code.
    public static var generatedMessageNames: [String] { ProtoBridge.registry.byName.keys.sorted() }

    /// Whether `path` names a field of the message `messageName` (a full protobuf name such as
    /// "scheduler.v1.EnqueueRequest"), by the generated descriptors: the part of a field
    /// violation's path after the method, e.g. "platforms[1]" or "recurrence.shorthand.hour". An
    /// index applies to a repeated field, or to a `StringList` wrapper's values.
    public static func fieldPathExists(_ path: String, inMessage messageName: String) -> Bool {
        ProtoBridge.fieldPathExists(path, inMessage: messageName)
    }
}
