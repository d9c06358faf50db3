/// A decoded protobuf message as plain Swift values, keyed by field name: the safe middle layer
/// between protobuf-c structs (ProtoBridge.swift) and the typed messages.
///
/// Absent fields have no key. Implicit-presence (proto3 scalar) fields holding their zero value
/// are absent after decoding; a oneof member or a set message is present even when zero.
struct ProtoTree: Hashable, Sendable {
    var fields: [String: [ProtoValue]] = [:]
}

/// One field value. Enums are `.int`.
enum ProtoValue: Hashable, Sendable {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case message(ProtoTree)
}

/// Read access to a decoded message with validation helpers that throw INVALID_ARGUMENT
/// naming the field ("<path>.<field>[<i>]: <what>").
///
/// Public only because ``WireMessage`` names it; it has no public API.
public struct ProtoReader: Sendable {
    let tree: ProtoTree
    let path: String

    init(tree: ProtoTree, path: String) {
        self.tree = tree
        self.path = path
    }

    func fieldPath(_ name: String) -> String { "\(path).\(name)" }

    /// An INVALID_ARGUMENT error for a field of this message.
    func invalid(_ name: String, _ what: String) -> RPCError {
        .invalidArgument(field: fieldPath(name), what)
    }

    func has(_ name: String) -> Bool { tree.fields[name] != nil }

    func first(_ name: String) -> ProtoValue? { tree.fields[name]?.first }

    func string(_ name: String) -> String {
        if case .string(let s)? = first(name) { return s }
        return ""
    }

    func bytes(_ name: String) -> [UInt8] {
        if case .bytes(let b)? = first(name) { return b }
        return []
    }

    func int64(_ name: String) -> Int64 {
        if case .int(let v)? = first(name) { return v }
        return 0
    }

    func int32(_ name: String) -> Int32 { Int32(truncatingIfNeeded: int64(name)) }

    func uint64(_ name: String) -> UInt64 {
        if case .uint(let v)? = first(name) { return v }
        return 0
    }

    func uint32(_ name: String) -> UInt32 { UInt32(truncatingIfNeeded: uint64(name)) }

    func bool(_ name: String) -> Bool {
        if case .bool(let v)? = first(name) { return v }
        return false
    }

    func double(_ name: String) -> Double {
        if case .double(let v)? = first(name) { return v }
        return 0
    }

    func enumValue<E: WireEnum>(_ name: String, as _: E.Type = E.self) -> E { E(rawValue: int32(name)) }

    /// A repeated string field with at most `max` elements.
    func strings(_ name: String, max: Int) throws(RPCError) -> [String] {
        let values = tree.fields[name] ?? []
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        return values.map { if case .string(let s) = $0 { s } else { "" } }
    }

    /// A repeated int32 field with at most `max` elements.
    func int32s(_ name: String, max: Int) throws(RPCError) -> [Int32] {
        let values = tree.fields[name] ?? []
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        return values.map { if case .int(let v) = $0 { Int32(truncatingIfNeeded: v) } else { 0 } }
    }

    /// A singular message field, nil when absent.
    func message<M: WireMessage>(_ name: String, as _: M.Type = M.self) throws(RPCError) -> M? {
        guard case .message(let sub)? = first(name) else { return nil }
        return try M(from: ProtoReader(tree: sub, path: fieldPath(name)))
    }

    /// A required message field.
    func requiredMessage<M: WireMessage>(_ name: String, as _: M.Type = M.self) throws(RPCError) -> M {
        guard let m = try message(name, as: M.self) else { throw invalid(name, "required") }
        return m
    }

    /// A repeated message field with at most `max` elements.
    func messages<M: WireMessage>(_ name: String, max: Int, as _: M.Type = M.self) throws(RPCError) -> [M] {
        let values = tree.fields[name] ?? []
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        var out: [M] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard case .message(let sub) = v else { continue }
            out.append(try M(from: ProtoReader(tree: sub, path: "\(fieldPath(name))[\(i)]")))
        }
        return out
    }
}

/// Write access to a message under construction.
///
/// Public only because ``WireMessage`` names it; it has no public API.
public struct ProtoWriter: Sendable {
    var tree = ProtoTree()

    init() {}

    mutating func set(_ name: String, _ v: String) { tree.fields[name] = [.string(v)] }
    mutating func set(_ name: String, _ v: [UInt8]) { tree.fields[name] = [.bytes(v)] }
    mutating func set(_ name: String, _ v: Int64) { tree.fields[name] = [.int(v)] }
    mutating func set(_ name: String, _ v: Int32) { tree.fields[name] = [.int(Int64(v))] }
    mutating func set(_ name: String, _ v: UInt64) { tree.fields[name] = [.uint(v)] }
    mutating func set(_ name: String, _ v: UInt32) { tree.fields[name] = [.uint(UInt64(v))] }
    mutating func set(_ name: String, _ v: Bool) { tree.fields[name] = [.bool(v)] }
    mutating func set(_ name: String, _ v: Double) { tree.fields[name] = [.double(v)] }
    mutating func set<E: WireEnum>(_ name: String, _ v: E) { tree.fields[name] = [.int(Int64(v.rawValue))] }

    mutating func set(_ name: String, strings: [String]) {
        if !strings.isEmpty { tree.fields[name] = strings.map { .string($0) } }
    }

    mutating func set(_ name: String, int32s: [Int32]) {
        if !int32s.isEmpty { tree.fields[name] = int32s.map { .int(Int64($0)) } }
    }

    mutating func set<M: WireMessage>(_ name: String, message: M?) {
        guard let message else { return }
        var sub = ProtoWriter()
        message.write(to: &sub)
        tree.fields[name] = [.message(sub.tree)]
    }

    mutating func set<M: WireMessage>(_ name: String, messages: [M]) {
        guard !messages.isEmpty else { return }
        tree.fields[name] = messages.map { m in
            var sub = ProtoWriter()
            m.write(to: &sub)
            return .message(sub.tree)
        }
    }
}
