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

extension SchedulerV1.Scheduler {
    /// The method for a path, or nil (the server answers UNIMPLEMENTED).
    public static func method(forPath path: String) -> MethodDescriptor? {
        methods.first { $0.path == path }
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
