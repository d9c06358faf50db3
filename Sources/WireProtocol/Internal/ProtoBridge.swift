// The only file that touches protobuf-c and raw pointers.
//
// Decoding: protobuf_c_message_unpack parses the bytes (the independent, well-tested wire
// parser), then the unpacked C struct is walked through its descriptor into a ProtoTree, and
// freed exactly once (`defer`). Encoding: a C struct is built from a ProtoTree with malloc'd
// members, packed with protobuf_c_message_pack, and freed with protobuf_c_message_free_unpacked
// (default allocator = malloc/free, so it releases exactly what was allocated here).
// Field layout comes from the generated descriptors, so no per-message C code is written by hand.
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

    // MARK: Decoding

    /// Parses `bytes` as `messageName` and converts it to a tree.
    static func decode(_ bytes: [UInt8], messageName: String, path: String) throws(RPCError) -> ProtoTree {
        let desc = descriptor(messageName)
        let unpacked: UnsafeMutablePointer<ProtobufCMessage>? = bytes.withUnsafeBufferPointer { buf in
            protobuf_c_message_unpack(desc, nil, buf.count, buf.baseAddress)
        }
        guard let msg = unpacked else {
            throw RPCError.invalidArgument(field: path, "not a valid \(messageName)")
        }
        liveCMessages.add(1, ordering: .relaxed)
        defer {
            protobuf_c_message_free_unpacked(msg, nil)
            liveCMessages.subtract(1, ordering: .relaxed)
        }
        return try read(UnsafeRawPointer(msg), desc, path: path)
    }

    private static func read(_ msg: UnsafeRawPointer, _ desc: Descriptor, path: String) throws(RPCError) -> ProtoTree {
        var tree = ProtoTree()
        for i in 0..<Int(desc.pointee.n_fields) {
            let f = desc.pointee.fields[i]
            let name = String(cString: f.name)
            let slot = msg + Int(f.offset)
            if f.label == PROTOBUF_C_LABEL_REPEATED {
                let n = (msg + Int(f.quantifier_offset)).load(as: Int.self)
                guard n > 0, let array = slot.load(as: UnsafeRawPointer?.self) else { continue }
                var values: [ProtoValue] = []
                values.reserveCapacity(n)
                for j in 0..<n {
                    let element = array + j * stride(of: f.type)
                    if let v = try readValue(element, f, path: "\(path).\(name)[\(j)]") { values.append(v) }
                }
                tree.fields[name] = values
                continue
            }
            let isOneof = f.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0
            if isOneof {
                guard (msg + Int(f.quantifier_offset)).load(as: UInt32.self) == f.id else { continue }
            } else if f.label == PROTOBUF_C_LABEL_OPTIONAL, f.type != PROTOBUF_C_TYPE_MESSAGE,
                f.type != PROTOBUF_C_TYPE_STRING
            {
                // proto2-style presence flag (not produced by proto3 files; kept for completeness).
                guard (msg + Int(f.quantifier_offset)).load(as: Int32.self) != 0 else { continue }
            }
            guard let v = try readValue(slot, f, path: "\(path).\(name)") else { continue }
            if f.label == PROTOBUF_C_LABEL_NONE, !isOneof, isZero(v) { continue }
            tree.fields[name] = [v]
        }
        return tree
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

    /// One value at `p`; nil for a null string or message pointer.
    private static func readValue(_ p: UnsafeRawPointer, _ f: ProtobufCFieldDescriptor, path: String) throws(RPCError)
        -> ProtoValue?
    {
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
            guard let s = String(validatingCString: cstr) else {
                throw RPCError.invalidArgument(field: path, "not valid UTF-8")
            }
            return .string(s)
        case PROTOBUF_C_TYPE_BYTES:
            let bd = p.load(as: ProtobufCBinaryData.self)
            guard bd.len > 0, let data = bd.data else { return .bytes([]) }
            return .bytes(Array(UnsafeBufferPointer(start: data, count: bd.len)))
        case PROTOBUF_C_TYPE_MESSAGE:
            guard let sub = p.load(as: UnsafeRawPointer?.self), let d = f.descriptor else { return nil }
            return .message(try read(sub, d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), path: path))
        default:
            return nil
        }
    }

    // MARK: Encoding

    /// Serializes `tree` as `messageName`. A field name the descriptor does not know is a
    /// programming error in this module (caught by the round-trip tests).
    static func encode(_ tree: ProtoTree, messageName: String) -> [UInt8] {
        let desc = descriptor(messageName)
        let msg = build(tree, desc)
        liveCMessages.add(1, ordering: .relaxed)
        defer {
            protobuf_c_message_free_unpacked(msg, nil)
            liveCMessages.subtract(1, ordering: .relaxed)
        }
        let size = protobuf_c_message_get_packed_size(msg)
        return [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            count = size == 0 ? 0 : protobuf_c_message_pack(msg, buf.baseAddress)
        }
    }

    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        guard let p = calloc(1, max(size, 1)) else { fatalError("WireProtocol: out of memory") }
        return p
    }

    /// A C message with malloc'd members, released by protobuf_c_message_free_unpacked.
    private static func build(_ tree: ProtoTree, _ desc: Descriptor) -> UnsafeMutablePointer<ProtobufCMessage> {
        let raw = allocate(desc.pointee.sizeof_message)
        protobuf_c_message_init(desc, raw)
        for (name, values) in tree.fields {
            guard let fp = protobuf_c_message_descriptor_get_field_by_name(desc, name) else {
                preconditionFailure("WireProtocol: \(String(cString: desc.pointee.name)) has no field \(name)")
            }
            let f = fp.pointee
            let slot = raw + Int(f.offset)
            if f.label == PROTOBUF_C_LABEL_REPEATED {
                guard !values.isEmpty else { continue }
                let array = allocate(values.count * stride(of: f.type))
                for (j, v) in values.enumerated() { writeValue(v, array + j * stride(of: f.type), f) }
                (raw + Int(f.quantifier_offset)).storeBytes(of: values.count, as: Int.self)
                slot.storeBytes(of: UnsafeMutableRawPointer?(array), as: UnsafeMutableRawPointer?.self)
                continue
            }
            guard let v = values.first else { continue }
            writeValue(v, slot, f)
            if f.flags & UInt32(PROTOBUF_C_FIELD_FLAG_ONEOF.rawValue) != 0 {
                (raw + Int(f.quantifier_offset)).storeBytes(of: f.id, as: UInt32.self)
            } else if f.label == PROTOBUF_C_LABEL_OPTIONAL, f.type != PROTOBUF_C_TYPE_MESSAGE,
                f.type != PROTOBUF_C_TYPE_STRING
            {
                (raw + Int(f.quantifier_offset)).storeBytes(of: 1, as: protobuf_c_boolean.self)
            }
        }
        return raw.assumingMemoryBound(to: ProtobufCMessage.self)
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
        case (PROTOBUF_C_TYPE_MESSAGE, .message(let sub)):
            guard let d = f.descriptor else { return }
            let m = build(sub, d.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))
            p.storeBytes(
                of: UnsafeMutablePointer<ProtobufCMessage>?(m),
                as: UnsafeMutablePointer<ProtobufCMessage>?.self
            )
        default:
            preconditionFailure("WireProtocol: value \(v) does not fit field \(String(cString: f.name))")
        }
    }
}
