/// One field value as a plain Swift value. Enums are `.int`.
enum ProtoValue {
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    /// A sub-message being decoded (never written: writers build sub-messages themselves).
    case message(MessageView)
}

/// Where a reader is in the message being decoded. Spelled out ("enqueue.schedule.platforms[2]")
/// only when an error names a field, so a successful decode builds no path strings.
indirect enum FieldPath: Sendable {
    /// The top-level message, by its full protobuf name.
    case root(messageName: String)
    case field(FieldPath, String)
    case element(FieldPath, String, Int)

    var text: String {
        switch self {
        case .root(let messageName): fieldPathRoot(messageName)
        case .field(let parent, let name): "\(parent.text).\(name)"
        case .element(let parent, let name, let index): "\(parent.text).\(name)[\(index)]"
        }
    }
}

/// Read access to a message being decoded, with validation helpers that throw INVALID_ARGUMENT
/// naming the field ("<path>.<field>[<i>]: <what>").
///
/// A view of the unpacked C message: valid only inside ``WireMessage/init(from:)``, which must
/// not keep it. Absent fields read as their zero value. Implicit-presence (proto3) scalar fields
/// holding their zero value are absent; a oneof member or a set message is present even when zero.
///
/// Public only because ``WireMessage`` names it; it has no public API.
public struct ProtoReader {
    let message: MessageView
    let path: FieldPath

    init(_ message: MessageView, path: FieldPath) {
        self.message = message
        self.path = path
    }

    func fieldPath(_ name: String) -> String { FieldPath.field(path, name).text }

    /// An INVALID_ARGUMENT error for a field of this message.
    func invalid(_ name: String, _ what: String) -> RPCError {
        .invalidArgument(field: fieldPath(name), what)
    }

    func has(_ name: String) -> Bool { first(name) != nil }

    func first(_ name: String) -> ProtoValue? { ProtoBridge.value(message, name) }

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

    /// An enum field of a request: a value this version does not know is refused, not guessed at.
    func knownEnum<E: WireEnum>(_ name: String, as _: E.Type = E.self) throws(RPCError) -> E {
        let value: E = enumValue(name)
        guard value.isKnown else { throw invalid(name, "unknown value \(value.rawValue)") }
        return value
    }

    /// A repeated string field with at most `max` elements.
    func strings(_ name: String, max: Int) throws(RPCError) -> [String] {
        let values = ProtoBridge.values(message, name)
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        return values.map { if case .string(let s) = $0 { s } else { "" } }
    }

    /// A repeated int32 field with at most `max` elements.
    func int32s(_ name: String, max: Int) throws(RPCError) -> [Int32] {
        let values = ProtoBridge.values(message, name)
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        return values.map { if case .int(let v) = $0 { Int32(truncatingIfNeeded: v) } else { 0 } }
    }

    /// The reader of a singular message field, nil when absent.
    func subReader(_ name: String) -> ProtoReader? {
        guard case .message(let sub)? = first(name) else { return nil }
        return ProtoReader(sub, path: .field(path, name))
    }

    /// A singular message field, nil when absent.
    func message<M: WireMessage>(_ name: String, as _: M.Type = M.self) throws(RPCError) -> M? {
        guard let sub = subReader(name) else { return nil }
        return try M(from: sub)
    }

    /// A required message field.
    func requiredMessage<M: WireMessage>(_ name: String, as _: M.Type = M.self) throws(RPCError) -> M {
        guard let m = try message(name, as: M.self) else { throw invalid(name, "required") }
        return m
    }

    /// A batch's items (1…``Limits/maxBatchItems``), each decoded on its own: an item that does
    /// not validate is `placeholder` at its index, with its error, and the others still decode.
    func batchItems<M: WireMessage>(_ name: String, placeholder: M) throws(RPCError) -> (items: [M], errors: [Int: RPCError]) {
        let values = ProtoBridge.values(message, name)
        guard !values.isEmpty else { throw invalid(name, "at least one item required") }
        guard values.count <= Limits.maxBatchItems else {
            throw invalid(name, "at most \(Limits.maxBatchItems) values (got \(values.count))")
        }
        var items: [M] = []
        var errors: [Int: RPCError] = [:]
        items.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard case .message(let sub) = v else { continue }
            do {
                items.append(try M(from: ProtoReader(sub, path: .element(path, name, i))))
            } catch {
                items.append(placeholder)
                errors[items.count - 1] = error
            }
        }
        return (items, errors)
    }

    /// A repeated message field with at most `max` elements.
    func messages<M: WireMessage>(_ name: String, max: Int, as _: M.Type = M.self) throws(RPCError) -> [M] {
        let values = ProtoBridge.values(message, name)
        guard values.count <= max else { throw invalid(name, "at most \(max) values (got \(values.count))") }
        var out: [M] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard case .message(let sub) = v else { continue }
            out.append(try M(from: ProtoReader(sub, path: .element(path, name, i))))
        }
        return out
    }
}

extension ProtoWriter {
    mutating func set(_ name: String, _ v: String) { store(name, .string(v)) }
    mutating func set(_ name: String, _ v: [UInt8]) { store(name, .bytes(v)) }
    mutating func set(_ name: String, _ v: Int64) { store(name, .int(v)) }
    mutating func set(_ name: String, _ v: Int32) { store(name, .int(Int64(v))) }
    mutating func set(_ name: String, _ v: UInt64) { store(name, .uint(v)) }
    mutating func set(_ name: String, _ v: UInt32) { store(name, .uint(UInt64(v))) }
    mutating func set(_ name: String, _ v: Bool) { store(name, .bool(v)) }
    mutating func set(_ name: String, _ v: Double) { store(name, .double(v)) }
    mutating func set<E: WireEnum>(_ name: String, _ v: E) { store(name, .int(Int64(v.rawValue))) }

    mutating func set(_ name: String, strings: [String]) {
        store(name, repeated: strings.map { .string($0) })
    }

    mutating func set(_ name: String, int32s: [Int32]) {
        store(name, repeated: int32s.map { .int(Int64($0)) })
    }

    mutating func set<M: WireMessage>(_ name: String, message: M?) {
        guard let message else { return }
        storeMessage(name) { message.write(to: &$0) }
    }

    mutating func set<M: WireMessage>(_ name: String, messages: [M]) {
        storeMessages(name, count: messages.count) { i, sub in messages[i].write(to: &sub) }
    }
}
