/// A scheduler.v1 protobuf message as a Swift value type.
///
/// Every request, response and framing message conforms, in code generated from proto/ by
/// scripts/swift-wire-gen (Generated/*.pb.swift). Encoding and decoding go through protobuf-c;
/// decoding validates (required fields, ranges, caps, UTF-8: the proto's @tags) and throws an
/// INVALID_ARGUMENT ``RPCError`` naming the offending field. Unknown fields are ignored.
public protocol WireMessage: Sendable, Hashable {
    /// The full protobuf name, e.g. "scheduler.v1.EnqueueRequest".
    static var protoMessageName: String { get }
    /// protoc-c's descriptor of the message (implementation detail).
    static var _cDescriptor: UnsafeRawPointer { get }
    /// Reads and checks the message from protobuf-c's unpacked C struct (implementation detail;
    /// use ``init(serializedBytes:)``).
    init(_c: UnsafeRawPointer, at path: FieldPath) throws(RPCError)
    /// Writes the message into an initialized C struct whose memory `arena` owns (implementation
    /// detail; use ``serializedBytes()``).
    func _fill(_ c: UnsafeMutableRawPointer, _ arena: inout WireArena)
    /// Decodes and validates protobuf bytes (without any length prefix). A requirement, which
    /// every generated message implements itself, so that a caller reaches code specialized for
    /// the message, whether it is generic (`Frame.Response.result(as:)`, a method table) or in
    /// another module: the default below, reached from another module, looks up type metadata at
    /// run time (a quarter of a Health call's wire work).
    /// - Throws: ``RPCError`` with code INVALID_ARGUMENT: not a valid message, invalid UTF-8,
    ///   or a field that fails validation (the message names the field).
    init(serializedBytes bytes: [UInt8]) throws(RPCError)
    /// The protobuf encoding of this message (deterministic: fields in number order); a
    /// requirement, generated for every message, for the same reason.
    func serializedBytes() -> [UInt8]
}

extension WireMessage {
    public init(serializedBytes bytes: [UInt8]) throws(RPCError) {
        self = try bytes.withUnsafeBytes { ProtoBridge.decode($0, as: Self.self) }.get()
    }

    /// Decodes and validates protobuf bytes (without any length prefix) from any collection.
    /// - Throws: ``RPCError`` with code INVALID_ARGUMENT: not a valid message, invalid UTF-8,
    ///   or a field that fails validation (the message names the field).
    public init(serializedBytes bytes: some Collection<UInt8>) throws(RPCError) {
        let decoded =
            bytes.withContiguousStorageIfAvailable { ProtoBridge.decode(UnsafeRawBufferPointer($0), as: Self.self) }
            ?? Array(bytes).withUnsafeBytes { ProtoBridge.decode($0, as: Self.self) }
        self = try decoded.get()
    }

    public func serializedBytes() -> [UInt8] { ProtoBridge.encode(self) }
}

/// The root of field paths in errors: the message name without "Request"/"Response", in
/// snake_case ("scheduler.v1.ListConflictsRequest" → "list_conflicts").
func fieldPathRoot(_ protoMessageName: String) -> String {
    var short = Substring(protoMessageName.split(separator: ".").last ?? "")
    for suffix in ["Request", "Response"] where short.hasSuffix(suffix) && short.count > suffix.count {
        short = short.dropLast(suffix.count)
    }
    return snakeCase(short)
}

func snakeCase(_ s: Substring) -> String {
    var out = ""
    for (i, c) in s.enumerated() {
        if c.isUppercase {
            if i > 0 { out.append("_") }
            out.append(contentsOf: c.lowercased())
        } else {
            out.append(c)
        }
    }
    return out
}

/// A protobuf enum as an open set of values: unknown numbers from newer peers survive decoding.
public protocol WireEnum: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == Int32 {
    /// The protobuf names of the known values, e.g. [1: "QUEUE_STATUS_PENDING"].
    static var protoNames: [Int32: String] { get }
    /// Wraps any number.
    init(rawValue: Int32)
}

extension WireEnum {
    /// Whether this build knows the value.
    public var isKnown: Bool { Self.protoNames[rawValue] != nil }
    /// The protobuf name, e.g. "QUEUE_STATUS_PENDING", or the number for an unknown value.
    public var protoName: String { Self.protoNames[rawValue] ?? String(rawValue) }
    /// The name without the enum prefix, e.g. "PENDING".
    public var shortName: String {
        guard let full = Self.protoNames[rawValue], let zero = Self.protoNames[0], zero.hasSuffix("UNSPECIFIED")
        else { return protoName }
        return String(full.dropFirst(zero.count - "UNSPECIFIED".count))
    }
    /// The value for a full or short name ("QUEUE_STATUS_PENDING" or "PENDING"), or nil.
    public init?(name: String) {
        guard let hit = Self.protoNames.first(where: { $0.value == name || Self(rawValue: $0.key).shortName == name })
        else { return nil }
        self.init(rawValue: hit.key)
    }
    /// The known values in numeric order, UNSPECIFIED first.
    public static var knownValues: [Self] { protoNames.keys.sorted().map { Self(rawValue: $0) } }
    public var description: String { protoName }
}
