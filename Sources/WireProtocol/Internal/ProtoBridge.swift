// The only file that touches protobuf-c and raw pointers.
//
// Decoding: protobuf_c_message_unpack parses the bytes (the independent, well-tested wire
// parser); every string in the unpacked C struct is checked for UTF-8, and the encoded bytes
// for strings with an embedded NUL (EmbeddedNUL.swift), which the C struct would cut; then the typed message
// reads the fields it wants straight out of the C struct through a ``ProtoReader`` (located by
// name through the generated descriptor), and the struct is freed exactly once (`defer`).
// Encoding: a ``ProtoWriter`` fills a C struct with malloc'd members, which is packed with
// protobuf_c_message_pack and freed with protobuf_c_message_free_unpacked (default allocator =
// malloc/free, so it releases exactly what was allocated here). Field layout comes from the
// generated descriptors, so no per-message C code is written by hand.
internal import CProtobufC
internal import CSchedulerMessages
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum ProtoBridge {
    typealias Descriptor = UnsafePointer<ProtobufCMessageDescriptor>
    typealias Field = UnsafePointer<ProtobufCFieldDescriptor>

    /// The message descriptors by full name ("scheduler.v1.Frame"): every message reachable from
    /// Frame and from the Scheduler service's methods.
    ///
    /// `@unchecked Sendable`: the pointers point at immutable static C data.
    struct Registry: @unchecked Sendable {
        var byName: [String: Descriptor] = [:]
        /// "scheduler.v1.Scheduler/Enqueue" → (input, output) message names.
        var methods: [String: (input: String, output: String)] = [:]
        /// Method paths in declaration order.
        var methodOrder: [String] = []
    }

    static let registry: Registry = {
        var r = Registry()
        func add(_ d: Descriptor) {
            let name = String(cString: d.pointee.name)
            guard r.byName[name] == nil else { return }
            r.byName[name] = d
            for i in 0..<Int(d.pointee.n_fields) {
                let f = d.pointee.fields[i]
                if f.type == PROTOBUF_C_TYPE_MESSAGE, let sub = f.descriptor {
                    add(sub.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
                }
            }
        }
        // The init function stores the real (static) descriptor address in `base.descriptor`.
        var frame = Scheduler__V1__Frame()
        scheduler__v1__frame__init(&frame)
        add(frame.base.descriptor)
        // A copy of the service descriptor still points at the static method table.
        let service = scheduler__v1__scheduler__descriptor
        let serviceName = String(cString: service.name)
        for i in 0..<Int(service.n_methods) {
            let m = service.methods[i]
            add(m.input)
            add(m.output)
            let path = "\(serviceName)/\(String(cString: m.name))"
            r.methods[path] = (String(cString: m.input.pointee.name), String(cString: m.output.pointee.name))
            r.methodOrder.append(path)
        }
        return r
    }()

    /// Top-level C messages currently allocated (unpacked or built) and not yet freed, across all
    /// threads: the leak check of the memory tests (a leak of one per call grows it without bound).
    static let liveCMessages = Atomic<Int>(0)

    static func descriptor(_ messageName: String) -> Descriptor {
        guard let d = registry.byName[messageName] else {
            preconditionFailure("WireProtocol: no protobuf-c descriptor for \(messageName)")
        }
        return d
    }

    /// The field called `name` (binary search over the descriptor's sorted names), or nil.
    static func field(_ desc: Descriptor, _ name: String) -> Field? {
        name.withCString { protobuf_c_message_descriptor_get_field_by_name(desc, $0) }
    }

    private static func isOneof(_ f: ProtobufCFieldDescriptor) -> Bool {
        f.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
    }

    /// Whether a singular field's value is set, by protobuf-c's presence rules: a oneof member
    /// when its case is selected, a proto2-style optional scalar by its flag (not produced by
    /// proto3 files; kept for completeness), anything else always (zero values are filtered later).
    private static func isSelected(_ msg: UnsafeRawPointer, _ f: ProtobufCFieldDescriptor) -> Bool {
        if isOneof(f) { return (msg + Int(f.quantifier_offset)).load(as: UInt32.self) == f.id }
        if f.label == PROTOBUF_C_LABEL_OPTIONAL, f.type != PROTOBUF_C_TYPE_MESSAGE, f.type != PROTOBUF_C_TYPE_STRING {
            return (msg + Int(f.quantifier_offset)).load(as: Int32.self) != 0
        }
        return true
    }

    // MARK: Decoding

    /// Parses `bytes` as `M`: unpacks with protobuf-c, checks every string is UTF-8, then lets
    /// `M.init(from:)` read the unpacked struct, which is freed before returning.
    static func decode<M: WireMessage>(_ bytes: UnsafeRawBufferPointer, as _: M.Type) -> Result<M, RPCError> {
        let messageName = M.protoMessageName
        let desc = descriptor(messageName)
        let root = FieldPath.root(messageName: messageName)
        let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        guard let msg = protobuf_c_message_unpack(desc, nil, bytes.count, data) else {
            return .failure(RPCError.invalidArgument(field: root.text, "not a valid \(messageName)"))
        }
        liveCMessages.add(1, ordering: .relaxed)
        defer {
            protobuf_c_message_free_unpacked(msg, nil)
            liveCMessages.subtract(1, ordering: .relaxed)
        }
        let view = MessageView(base: UnsafeRawPointer(msg), descriptor: desc)
        if let bad = firstInvalidString(view, path: root) {
            return .failure(RPCError.invalidArgument(field: bad.text, "not valid UTF-8"))
        }
        if let bad = EmbeddedNUL.firstString(in: bytes, desc, path: root) {
            return .failure(RPCError.invalidArgument(field: bad.text, "contains U+0000 (NUL), which no text field may hold"))
        }
        return Result { () throws(RPCError) in try M(from: ProtoReader(view, path: root)) }
    }

    /// The path of the first string (in field order, depth first) that is not valid UTF-8.
    private static func firstInvalidString(_ m: MessageView, path: FieldPath) -> FieldPath? {
        let desc = m.descriptor
        for i in 0..<Int(desc.pointee.n_fields) {
            let f = desc.pointee.fields[i]
            guard f.type == PROTOBUF_C_TYPE_STRING || f.type == PROTOBUF_C_TYPE_MESSAGE else { continue }
            let slot = m.base + Int(f.offset)
            if f.label == PROTOBUF_C_LABEL_REPEATED {
                let n = (m.base + Int(f.quantifier_offset)).load(as: Int.self)
                guard n > 0, let array = slot.load(as: UnsafeRawPointer?.self) else { continue }
                for j in 0..<n {
                    let element = array + j * MemoryLayout<UnsafeRawPointer?>.stride
                    if let bad = firstInvalidString(in: element, f, path: { .element(path, fieldName(f), j) }) {
                        return bad
                    }
                }
            } else if isSelected(m.base, f) {
                if let bad = firstInvalidString(in: slot, f, path: { .field(path, fieldName(f)) }) { return bad }
            }
        }
        return nil
    }

    /// Checks the string or message whose pointer is stored at `p`; `path` names it.
    private static func firstInvalidString(
        in p: UnsafeRawPointer, _ f: ProtobufCFieldDescriptor, path: () -> FieldPath
    ) -> FieldPath? {
        guard let pointer = p.load(as: UnsafeRawPointer?.self) else { return nil }
        if f.type == PROTOBUF_C_TYPE_STRING {
            return isValidUTF8(pointer.assumingMemoryBound(to: CChar.self)) ? nil : path()
        }
        guard let d = f.descriptor else { return nil }
        let sub = MessageView(base: pointer, descriptor: d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
        return firstInvalidString(sub, path: path())
    }

    /// Whether a NUL-terminated string is UTF-8; ASCII (the common case) is checked without copying.
    private static func isValidUTF8(_ cstr: UnsafePointer<CChar>) -> Bool {
        var p = UnsafeRawPointer(cstr).assumingMemoryBound(to: UInt8.self)
        while p.pointee != 0 {
            if p.pointee >= 0x80 { return String(validatingCString: cstr) != nil }
            p += 1
        }
        return true
    }

    static func fieldName(_ f: ProtobufCFieldDescriptor) -> String { String(cString: f.name) }

    /// A singular field's value, or nil when it is absent: not selected, a null pointer, or an
    /// implicit-presence (proto3) scalar holding its zero value. For a repeated field, the first element.
    static func value(_ m: MessageView, _ name: String) -> ProtoValue? {
        guard let fp = field(m.descriptor, name) else { return nil }
        let f = fp.pointee
        if f.label == PROTOBUF_C_LABEL_REPEATED { return elements(m, f).first }
        guard isSelected(m.base, f), let v = readValue(m.base + Int(f.offset), f) else { return nil }
        if f.label == PROTOBUF_C_LABEL_NONE, !isOneof(f), isZero(v) { return nil }
        return v
    }

    /// A repeated field's elements (a singular field's value as one element).
    static func values(_ m: MessageView, _ name: String) -> [ProtoValue] {
        guard let fp = field(m.descriptor, name) else { return [] }
        if fp.pointee.label == PROTOBUF_C_LABEL_REPEATED { return elements(m, fp.pointee) }
        return value(m, name).map { [$0] } ?? []
    }

    private static func elements(_ m: MessageView, _ f: ProtobufCFieldDescriptor) -> [ProtoValue] {
        let n = (m.base + Int(f.quantifier_offset)).load(as: Int.self)
        guard n > 0, let array = (m.base + Int(f.offset)).load(as: UnsafeRawPointer?.self) else { return [] }
        var values: [ProtoValue] = []
        values.reserveCapacity(n)
        for j in 0..<n {
            if let v = readValue(array + j * stride(of: f.type), f) { values.append(v) }
        }
        return values
    }

    private static func isZero(_ v: ProtoValue) -> Bool {
        switch v {
        case .int(let x): x == 0
        case .uint(let x): x == 0
        case .double(let x): x == 0 && x.sign == .plus
        case .bool(let x): !x
        case .string(let s): s.isEmpty
        case .bytes(let b): b.isEmpty
        case .message: false
        }
    }

    private static func stride(of type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_UINT32,
            PROTOBUF_C_TYPE_FIXED32, PROTOBUF_C_TYPE_FLOAT, PROTOBUF_C_TYPE_ENUM:
            4
        case PROTOBUF_C_TYPE_BOOL: MemoryLayout<protobuf_c_boolean>.stride
        case PROTOBUF_C_TYPE_BYTES: MemoryLayout<ProtobufCBinaryData>.stride
        case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE: MemoryLayout<UnsafeRawPointer?>.stride
        default: 8  // 64-bit integers and double
        }
    }

    /// One value at `p`; nil for a null string or message pointer. Strings were checked for
    /// UTF-8 by `decode` before any field is read.
    private static func readValue(_ p: UnsafeRawPointer, _ f: ProtobufCFieldDescriptor) -> ProtoValue? {
        switch f.type {
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32, PROTOBUF_C_TYPE_ENUM:
            return .int(Int64(p.load(as: Int32.self)))
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            return .int(p.load(as: Int64.self))
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            return .uint(UInt64(p.load(as: UInt32.self)))
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            return .uint(p.load(as: UInt64.self))
        case PROTOBUF_C_TYPE_FLOAT:
            return .double(Double(p.load(as: Float.self)))
        case PROTOBUF_C_TYPE_DOUBLE:
            return .double(p.load(as: Double.self))
        case PROTOBUF_C_TYPE_BOOL:
            return .bool(p.load(as: protobuf_c_boolean.self) != 0)
        case PROTOBUF_C_TYPE_STRING:
            guard let cstr = p.load(as: UnsafePointer<CChar>?.self) else { return nil }
            return .string(String(cString: cstr))
        case PROTOBUF_C_TYPE_BYTES:
            let bd = p.load(as: ProtobufCBinaryData.self)
            guard bd.len > 0, let data = bd.data else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: data, count: bd.len)))
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let sub = p.load(as: UnsafeRawPointer?.self), let d = f.descriptor else { return nil }
            return .message(MessageView(base: sub, descriptor: d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)))
        default:
            return nil
        }
    }

    // MARK: Encoding

    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        guard let p = calloc(1, max(size, 1)) else { fatalError("WireProtocol: out of memory") }
        return p
    }

    /// An empty C message of type `desc`, freed by protobuf_c_message_free_unpacked.
    static func allocateMessage(_ desc: Descriptor) -> UnsafeMutableRawPointer {
        let raw = allocate(desc.pointee.sizeof_message)
        protobuf_c_message_init(desc, raw)
        return raw
    }

    static func freeMessage(_ raw: UnsafeMutableRawPointer) {
        protobuf_c_message_free_unpacked(raw.assumingMemoryBound(to: ProtobufCMessage.self), nil)
    }

    /// Serializes a built message.
    static func pack(_ raw: UnsafeMutableRawPointer) -> [UInt8] {
        let msg = raw.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(msg)
        return [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            count = size == 0 ? 0 : protobuf_c_message_pack(msg, buf.baseAddress)
        }
    }

    /// Appends a built message to `buffer` after its 4-byte big-endian length, packing it in
    /// place; nothing is appended when it is larger than `maxSize`. Returns its length.
    static func packFrame(_ raw: UnsafeMutableRawPointer, appendingTo buffer: inout [UInt8], maxSize: Int) -> Int {
        let msg = raw.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(msg)
        guard size <= maxSize else { return size }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: 4 + size))
        let n = UInt32(size)
        buffer[start] = UInt8(truncatingIfNeeded: n >> 24)
        buffer[start + 1] = UInt8(truncatingIfNeeded: n >> 16)
        buffer[start + 2] = UInt8(truncatingIfNeeded: n >> 8)
        buffer[start + 3] = UInt8(truncatingIfNeeded: n)
        if size > 0 {
            let packed = buffer.withUnsafeMutableBytes { protobuf_c_message_pack(msg, $0.baseAddress! + start + 4) }
            precondition(packed == size, "protobuf-c packed \(packed) bytes, not the \(size) it measured")
        }
        return size
    }

    /// The field `name` of the message under construction; a name the descriptor does not know
    /// is a programming error in this module (caught by the round-trip tests).
    static func writableField(_ desc: Descriptor, _ name: String) -> ProtobufCFieldDescriptor {
        guard let fp = field(desc, name) else {
            preconditionFailure("WireProtocol: \(String(cString: desc.pointee.name)) has no field \(name)")
        }
        return fp.pointee
    }

    /// Whether the slot still holds what protobuf_c_message_init put there. Every field is set at
    /// most once, so nothing is overwritten (and leaked); a second set is a programming error.
    private static func isUnset(_ raw: UnsafeMutableRawPointer, _ f: ProtobufCFieldDescriptor) -> Bool {
        let slot = raw + Int(f.offset)
        if f.label == PROTOBUF_C_LABEL_REPEATED { return (raw + Int(f.quantifier_offset)).load(as: Int.self) == 0 }
        if isOneof(f) { return (raw + Int(f.quantifier_offset)).load(as: UInt32.self) == 0 }
        switch f.type {
        case PROTOBUF_C_TYPE_STRING: return slot.load(as: UnsafeRawPointer?.self) == f.default_value
        case PROTOBUF_C_TYPE_MESSAGE: return slot.load(as: UnsafeRawPointer?.self) == nil
        case PROTOBUF_C_TYPE_BYTES: return slot.load(as: ProtobufCBinaryData.self).data == nil
        default: return true  // scalars own no memory
        }
    }

    /// Marks a singular field present (oneof case or proto2-style flag).
    private static func markPresent(_ raw: UnsafeMutableRawPointer, _ f: ProtobufCFieldDescriptor) {
        if isOneof(f) {
            (raw + Int(f.quantifier_offset)).storeBytes(of: f.id, as: UInt32.self)
        } else if f.label == PROTOBUF_C_LABEL_OPTIONAL, f.type != PROTOBUF_C_TYPE_MESSAGE,
            f.type != PROTOBUF_C_TYPE_STRING
        {
            (raw + Int(f.quantifier_offset)).storeBytes(of: 1, as: protobuf_c_boolean.self)
        }
    }

    /// Stores a singular scalar, string or bytes value.
    static func store(_ v: ProtoValue, _ name: String, in raw: UnsafeMutableRawPointer, _ desc: Descriptor) {
        let f = writableField(desc, name)
        precondition(f.label != PROTOBUF_C_LABEL_REPEATED, "WireProtocol: \(name) is repeated")
        precondition(isUnset(raw, f), "WireProtocol: field \(name) set twice")
        writeValue(v, raw + Int(f.offset), f)
        markPresent(raw, f)
    }

    /// Stores a repeated scalar or string field (nothing when `values` is empty).
    static func store(repeated values: [ProtoValue], _ name: String, in raw: UnsafeMutableRawPointer, _ desc: Descriptor) {
        guard !values.isEmpty else { return }
        let f = writableField(desc, name)
        precondition(f.label == PROTOBUF_C_LABEL_REPEATED, "WireProtocol: \(name) is not repeated")
        precondition(isUnset(raw, f), "WireProtocol: field \(name) set twice")
        let size = stride(of: f.type)
        let array = allocate(values.count * size)
        for (j, v) in values.enumerated() { writeValue(v, array + j * size, f) }
        (raw + Int(f.quantifier_offset)).storeBytes(of: values.count, as: Int.self)
        (raw + Int(f.offset)).storeBytes(of: UnsafeMutableRawPointer?(array), as: UnsafeMutableRawPointer?.self)
    }

    /// Whether `path` ("platforms[1]", "recurrence.shorthand.hour") names a field of the message
    /// `messageName`, as error field paths do: each segment a field of the message the previous
    /// segment leads to; an index only on a repeated field, or on a `StringList` wrapper (counting
    /// its `values`, as the decoders' own errors do: `update.platforms[0]`); a field inside a
    /// repeated message only through an index.
    static func fieldPathExists(_ path: String, inMessage messageName: String) -> Bool {
        guard var desc = registry.byName[messageName], !path.isEmpty else { return false }
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        for (k, segment) in segments.enumerated() {
            var name = Substring(segment)
            var indexed = false
            if let open = segment.firstIndex(of: "[") {
                let digits = segment[segment.index(after: open)...].dropLast()
                guard segment.last == "]", !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber)
                else { return false }
                name = segment[..<open]
                indexed = true
            }
            guard !name.isEmpty, let fp = field(desc, String(name)) else { return false }
            let f = fp.pointee
            let sub = f.type == PROTOBUF_C_TYPE_MESSAGE
                ? f.descriptor.map { $0.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) } : nil
            let isLast = k == segments.count - 1
            if indexed {
                if f.label == PROTOBUF_C_LABEL_REPEATED {
                    if isLast { return true }
                    guard let sub else { return false }
                    desc = sub
                } else {
                    // A StringList wrapper: the index counts its strings, so nothing follows it.
                    guard let sub, String(cString: sub.pointee.name) == "scheduler.v1.StringList" else { return false }
                    return isLast
                }
            } else {
                if isLast { return true }
                guard f.label != PROTOBUF_C_LABEL_REPEATED, let sub else { return false }
                desc = sub
            }
        }
        return true
    }

    /// The descriptor of a message field's type.
    static func messageDescriptor(_ name: String, in desc: Descriptor) -> Descriptor {
        let f = writableField(desc, name)
        guard f.type == PROTOBUF_C_TYPE_MESSAGE, let d = f.descriptor else {
            preconditionFailure("WireProtocol: \(name) is not a message field")
        }
        return d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
    }

    /// Stores built sub-messages (taking ownership): one for a singular field, any number for a
    /// repeated one (nothing when empty).
    static func store(messages: [UnsafeMutableRawPointer], _ name: String, in raw: UnsafeMutableRawPointer, _ desc: Descriptor) {
        guard !messages.isEmpty else { return }
        let f = writableField(desc, name)
        precondition(f.type == PROTOBUF_C_TYPE_MESSAGE, "WireProtocol: \(name) is not a message field")
        precondition(isUnset(raw, f), "WireProtocol: field \(name) set twice")
        let slot = raw + Int(f.offset)
        if f.label == PROTOBUF_C_LABEL_REPEATED {
            let array = allocate(messages.count * MemoryLayout<UnsafeMutableRawPointer?>.stride)
            for (j, m) in messages.enumerated() {
                (array + j * MemoryLayout<UnsafeMutableRawPointer?>.stride)
                    .storeBytes(of: UnsafeMutableRawPointer?(m), as: UnsafeMutableRawPointer?.self)
            }
            (raw + Int(f.quantifier_offset)).storeBytes(of: messages.count, as: Int.self)
            slot.storeBytes(of: UnsafeMutableRawPointer?(array), as: UnsafeMutableRawPointer?.self)
        } else {
            precondition(messages.count == 1, "WireProtocol: \(name) holds one message")
            slot.storeBytes(of: UnsafeMutableRawPointer?(messages[0]), as: UnsafeMutableRawPointer?.self)
            markPresent(raw, f)
        }
    }

    private static func writeValue(_ v: ProtoValue, _ p: UnsafeMutableRawPointer, _ f: ProtobufCFieldDescriptor) {
        switch (f.type, v) {
        case (PROTOBUF_C_TYPE_INT32, .int(let x)), (PROTOBUF_C_TYPE_SINT32, .int(let x)),
            (PROTOBUF_C_TYPE_SFIXED32, .int(let x)), (PROTOBUF_C_TYPE_ENUM, .int(let x)):
            p.storeBytes(of: Int32(truncatingIfNeeded: x), as: Int32.self)
        case (PROTOBUF_C_TYPE_INT64, .int(let x)), (PROTOBUF_C_TYPE_SINT64, .int(let x)),
            (PROTOBUF_C_TYPE_SFIXED64, .int(let x)):
            p.storeBytes(of: x, as: Int64.self)
        case (PROTOBUF_C_TYPE_UINT32, .uint(let x)), (PROTOBUF_C_TYPE_FIXED32, .uint(let x)):
            p.storeBytes(of: UInt32(truncatingIfNeeded: x), as: UInt32.self)
        case (PROTOBUF_C_TYPE_UINT64, .uint(let x)), (PROTOBUF_C_TYPE_FIXED64, .uint(let x)):
            p.storeBytes(of: x, as: UInt64.self)
        case (PROTOBUF_C_TYPE_FLOAT, .double(let x)):
            p.storeBytes(of: Float(x), as: Float.self)
        case (PROTOBUF_C_TYPE_DOUBLE, .double(let x)):
            p.storeBytes(of: x, as: Double.self)
        case (PROTOBUF_C_TYPE_BOOL, .bool(let x)):
            p.storeBytes(of: x ? 1 : 0, as: protobuf_c_boolean.self)
        case (PROTOBUF_C_TYPE_STRING, .string(let s)):
            // strdup: free_unpacked releases it. A string with U+0000 is cut there (C strings).
            p.storeBytes(of: UnsafeMutablePointer<CChar>?(strdup(s)), as: UnsafeMutablePointer<CChar>?.self)
        case (PROTOBUF_C_TYPE_BYTES, .bytes(let b)):
            var bd = ProtobufCBinaryData(len: 0, data: nil)
            if !b.isEmpty {
                let data = allocate(b.count).assumingMemoryBound(to: UInt8.self)
                b.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: b.count) }
                bd = ProtobufCBinaryData(len: b.count, data: data)
            }
            p.storeBytes(of: bd, as: ProtobufCBinaryData.self)
        default:
            preconditionFailure("WireProtocol: value \(v) does not fit field \(String(cString: f.name))")
        }
    }
}

/// An unpacked C message: where it is and its descriptor. Valid only while `ProtoBridge.decode`
/// runs (the struct is freed when it returns).
struct MessageView {
    let base: UnsafeRawPointer
    let descriptor: ProtoBridge.Descriptor
}

/// Write access to a message under construction: a C struct owned by the writer until it is
/// serialized or handed to its parent (``finish()``), freed by `deinit` otherwise.
///
/// Public only because ``WireMessage`` names it; it has no public API.
public struct ProtoWriter: ~Copyable {
    let raw: UnsafeMutableRawPointer
    let descriptor: ProtoBridge.Descriptor
    /// A top-level message is counted in ``ProtoBridge/liveCMessages`` (a sub-message belongs to it).
    let isTopLevel: Bool

    private init(descriptor: ProtoBridge.Descriptor, isTopLevel: Bool) {
        self.descriptor = descriptor
        self.isTopLevel = isTopLevel
        self.raw = ProtoBridge.allocateMessage(descriptor)
        if isTopLevel { ProtoBridge.liveCMessages.add(1, ordering: .relaxed) }
    }

    /// A writer for the top-level message `messageName`.
    init(messageName: String) {
        self.init(descriptor: ProtoBridge.descriptor(messageName), isTopLevel: true)
    }

    deinit {
        ProtoBridge.freeMessage(raw)
        if isTopLevel { ProtoBridge.liveCMessages.subtract(1, ordering: .relaxed) }
    }

    /// Gives up ownership of the C struct of a sub-message (to its parent, which frees it).
    private consuming func finish() -> UnsafeMutableRawPointer {
        precondition(!isTopLevel, "WireProtocol: a top-level message is serialized, not handed over")
        let raw = self.raw
        discard self
        return raw
    }

    /// The protobuf encoding (deterministic: fields in number order); frees the C struct.
    consuming func serialize() -> [UInt8] {
        ProtoBridge.pack(raw)  // `deinit` frees the struct when `self` ends here
    }

    /// Appends the message to `buffer` as a frame (4-byte big-endian length, then the encoding)
    /// unless its encoding exceeds `maxSize`; frees the C struct. Returns the encoding's length.
    consuming func serializeFrame(appendingTo buffer: inout [UInt8], maxSize: Int) -> Int {
        ProtoBridge.packFrame(raw, appendingTo: &buffer, maxSize: maxSize)
    }

    mutating func store(_ name: String, _ value: ProtoValue) {
        ProtoBridge.store(value, name, in: raw, descriptor)
    }

    mutating func store(_ name: String, repeated values: [ProtoValue]) {
        ProtoBridge.store(repeated: values, name, in: raw, descriptor)
    }

    /// Builds the sub-message of field `name` with `fill`.
    mutating func storeMessage(_ name: String, _ fill: (inout ProtoWriter) -> Void) {
        var sub = ProtoWriter(descriptor: ProtoBridge.messageDescriptor(name, in: descriptor), isTopLevel: false)
        fill(&sub)
        ProtoBridge.store(messages: [sub.finish()], name, in: raw, descriptor)
    }

    /// Builds `count` elements of the repeated message field `name`, element `i` with `fill(i, …)`.
    mutating func storeMessages(_ name: String, count: Int, _ fill: (Int, inout ProtoWriter) -> Void) {
        guard count > 0 else { return }
        let desc = ProtoBridge.messageDescriptor(name, in: descriptor)
        var built: [UnsafeMutableRawPointer] = []
        built.reserveCapacity(count)
        for i in 0..<count {
            var sub = ProtoWriter(descriptor: desc, isTopLevel: false)
            fill(i, &sub)
            built.append(sub.finish())
        }
        ProtoBridge.store(messages: built, name, in: raw, descriptor)
    }
}
