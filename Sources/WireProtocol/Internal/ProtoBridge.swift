// The only file that hands bytes to protobuf-c and takes them back.
//
// Decoding: protobuf_c_message_unpack parses the bytes (the independent, well-tested wire
// parser); the encoded bytes are checked for strings with an embedded NUL (EmbeddedNUL.swift),
// which the C struct would cut; then the generated `init(_c:at:)` of the message reads its fields
// straight out of the C struct (checking UTF-8 as it goes), and the struct is freed exactly once
// (`defer`). Encoding: the generated `_fill` builds the C struct tree in a ``WireArena``, which is
// packed with protobuf_c_message_pack and freed at once. The descriptors are protoc-c's; the
// registry below serves only introspection (the method table and field-path checks of the tests).
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

    static func fieldName(_ f: ProtobufCFieldDescriptor) -> String { String(cString: f.name) }

    // MARK: Decoding and encoding

    /// Parses `bytes` as `M`: unpacks with protobuf-c into an ``UnpackArena`` (a few chunks instead
    /// of a malloc per string, array and sub-message), refuses embedded NULs, then lets the
    /// generated `M.init(_c:at:)` copy the fields out; the arena is freed before returning.
    static func decode<M: WireMessage>(_ bytes: UnsafeRawBufferPointer, as _: M.Type) -> Result<M, RPCError> {
        // The unpacked tree is usually a small multiple of the encoding. A small message's tree
        // fits on the stack: no malloc and free per decode (a call decodes twice on each side).
        let firstChunk = 512 + 4 * bytes.count
        if firstChunk <= stackChunkBytes {
            return withUnsafeTemporaryAllocation(byteCount: stackChunkBytes, alignment: 16) { stack in
                var arena = UnpackArena(initial: stack, nextChunk: 8192)
                defer { arena.release() }
                return unpack(bytes, as: M.self, into: &arena)
            }
        }
        var arena = UnpackArena(initial: nil, nextChunk: firstChunk)
        defer { arena.release() }
        return unpack(bytes, as: M.self, into: &arena)
    }

    /// The bytes of the first arena chunk that ``decode(_:as:)`` and ``withPacked(_:_:)`` take
    /// from the stack. At most 1 KiB: a larger temporary allocation first asks the runtime whether
    /// the stack has room, which costs more than the malloc it saves (2 KiB made a Health call's
    /// wire work 27 % slower than the malloc'd chunks, `scheduler-bench wire`).
    static let stackChunkBytes = 1024

    private static func unpack<M: WireMessage>(
        _ bytes: UnsafeRawBufferPointer, as _: M.Type, into arena: inout UnpackArena
    ) -> Result<M, RPCError> {
        let desc = M._cDescriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        let root = FieldPath.root(messageName: M.protoMessageName)
        let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return withUnsafeMutablePointer(to: &arena) { a in
            var allocator = ProtobufCAllocator(alloc: unpackAlloc, free: unpackFree, allocator_data: UnsafeMutableRawPointer(a))
            guard let msg = protobuf_c_message_unpack(desc, &allocator, bytes.count, data) else {
                return .failure(RPCError.invalidArgument(field: root.text, "not a valid \(M.protoMessageName)"))
            }
            liveCMessages.add(1, ordering: .relaxed)
            defer { liveCMessages.subtract(1, ordering: .relaxed) }
            if let bad = EmbeddedNUL.firstString(in: bytes, desc, path: root) {
                return .failure(RPCError.invalidArgument(field: bad.text, "contains U+0000 (NUL), which no text field may hold"))
            }
            return Result { () throws(RPCError) in try M(_c: UnsafeRawPointer(msg), at: root) }
        }
    }

    /// Builds `message`'s C struct tree in an arena and hands the packed size and the packer to `body`.
    static func withPacked<M: WireMessage, R>(
        _ message: M, _ body: (Int, (UnsafeMutablePointer<UInt8>) -> Int) -> R
    ) -> R {
        // The tree starts on the stack; a large message continues in malloc'd chunks.
        withUnsafeTemporaryAllocation(byteCount: stackChunkBytes, alignment: 16) { stack in
            var arena = WireArena(initial: stack)
            return pack(message, into: &arena, body)
        }
    }

    private static func pack<M: WireMessage, R>(
        _ message: M, into arena: inout WireArena, _ body: (Int, (UnsafeMutablePointer<UInt8>) -> Int) -> R
    ) -> R {
        let desc = M._cDescriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        let raw = arena.allocate(Int(desc.pointee.sizeof_message))
        protobuf_c_message_init(desc, raw)
        liveCMessages.add(1, ordering: .relaxed)
        defer { liveCMessages.subtract(1, ordering: .relaxed) }
        message._fill(raw, &arena)
        let msg = raw.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(msg)
        return body(size) { protobuf_c_message_pack(msg, $0) }
    }

    /// The protobuf encoding of `message`.
    static func encode<M: WireMessage>(_ message: M) -> [UInt8] {
        withPacked(message) { size, pack in
            // An empty message (HealthRequest, say) is the empty array: Array's uninitialized-capacity
            // initializer at capacity 0 would store its count into the runtime's shared empty-array
            // storage, a write every thread makes at once (harmless, but a race ThreadSanitizer reports).
            guard size > 0 else { return [] }
            return [UInt8](unsafeUninitializedCapacity: size) { buf, count in count = pack(buf.baseAddress!) }
        }
    }

    /// Appends `message` to `buffer` after its 4-byte big-endian length, packing it in place;
    /// nothing is appended when it is larger than `maxSize`. Returns its length.
    static func encodeFrame<M: WireMessage>(_ message: M, appendingTo buffer: inout [UInt8], maxSize: Int) -> Int {
        withPacked(message) { size, pack in
            guard size <= maxSize else { return size }
            let start = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 4 + size))
            let n = UInt32(size)
            buffer[start] = UInt8(truncatingIfNeeded: n >> 24)
            buffer[start + 1] = UInt8(truncatingIfNeeded: n >> 16)
            buffer[start + 2] = UInt8(truncatingIfNeeded: n >> 8)
            buffer[start + 3] = UInt8(truncatingIfNeeded: n)
            if size > 0 {
                let packed = buffer.withUnsafeMutableBytes { pack($0.baseAddress!.assumingMemoryBound(to: UInt8.self) + start + 4) }
                precondition(packed == size, "protobuf-c packed \(packed) bytes, not the \(size) it measured")
            }
            return size
        }
    }

    // MARK: Introspection

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

}

/// The memory protobuf-c unpacks one message into: a bump allocator over a first chunk the caller
/// provides (on its stack) and then malloc'd chunks, each malloc'd chunk's first 16 bytes linking
/// to the previous one. protobuf-c's `free` calls are no-ops; the chunks go at once in
/// ``release()``, after the generated decoder has copied the values out.
struct UnpackArena {
    private var cursor: UnsafeMutableRawPointer? = nil
    private var remaining = 0
    private var chunks: UnsafeMutableRawPointer? = nil
    private let nextChunk: Int

    /// `initial` (16-byte aligned, not freed here) serves the first allocations, if given; then
    /// chunks of at least `nextChunk` bytes.
    init(initial: UnsafeMutableRawBufferPointer?, nextChunk: Int) {
        self.nextChunk = nextChunk
        if let initial, let base = initial.baseAddress {
            cursor = base
            remaining = initial.count
        }
    }

    /// `size` bytes aligned to 16, or nil when malloc fails (protobuf-c then fails the unpack).
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let rounded = (Swift.max(size, 1) + 15) & ~15
        if rounded > remaining {
            let chunkSize = Swift.max(rounded + 16, chunks == nil ? nextChunk : 8192)
            guard let c = malloc(chunkSize) else { return nil }
            c.storeBytes(of: chunks, as: UnsafeMutableRawPointer?.self)
            chunks = c
            cursor = c + 16
            remaining = chunkSize - 16
        }
        let p = cursor!
        cursor = p + rounded
        remaining -= rounded
        return p
    }

    /// Frees every malloc'd chunk.
    mutating func release() {
        while let c = chunks {
            chunks = c.load(as: UnsafeMutableRawPointer?.self)
            free(c)
        }
        cursor = nil
        remaining = 0
    }
}

private let unpackAlloc: @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer? = { data, size in
    data!.assumingMemoryBound(to: UnpackArena.self).pointee.allocate(size)
}

private let unpackFree: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = { _, _ in }
