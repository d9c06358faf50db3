// What the generated wire layer (Generated/*.pb.swift, from scripts/swift-wire-gen) calls:
// reading values out of protobuf-c's unpacked C structs, the field checks the proto's @tags ask
// for, and the arena that holds a C struct tree while it is packed.
internal import CProtobufC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading field values out of an unpacked C struct. Strings are checked for UTF-8 here, as they
/// are read.
enum WireDecode {
    static func invalid(_ path: FieldPath, _ name: String, _ what: String) -> RPCError {
        .invalidArgument(field: FieldPath.field(path, name).text, what)
    }

    /// A string field; "" when the pointer is null.
    @inline(__always)
    static func string(_ p: UnsafeMutablePointer<CChar>?, _ path: FieldPath, _ name: String) throws(RPCError) -> String {
        guard let p else { return "" }
        if p.pointee == 0 { return "" }
        guard let s = String(validatingCString: p) else { throw invalid(path, name, "not valid UTF-8") }
        return s
    }

    /// A repeated string field.
    static func strings(
        _ n: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ path: FieldPath, _ name: String
    ) throws(RPCError) -> [String] {
        guard n > 0, let array else { return [] }
        var out: [String] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let p = array[i] else {
                out.append("")
                continue
            }
            guard let s = String(validatingCString: p) else {
                throw RPCError.invalidArgument(field: FieldPath.element(path, name, i).text, "not valid UTF-8")
            }
            out.append(s)
        }
        return out
    }

    /// A bytes field.
    static func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        guard b.len > 0, let data = b.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: b.len))
    }

    /// A repeated scalar field.
    static func scalars<T>(_ n: Int, _ array: UnsafeMutablePointer<T>?) -> [T] {
        guard n > 0, let array else { return [] }
        return Array(UnsafeBufferPointer(start: array, count: n))
    }

    /// A repeated message field of at most `max` elements (nil: no cap), each decoded by `decode`.
    static func messages<C, M>(
        _ n: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?, _ max: Int?, _ path: FieldPath,
        _ name: String, _ decode: (UnsafeMutablePointer<C>, FieldPath) throws(RPCError) -> M
    ) throws(RPCError) -> [M] {
        if let max, n > max { throw invalid(path, name, "at most \(max) values (got \(n))") }
        guard n > 0, let array else { return [] }
        var out: [M] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let p = array[i] else { continue }
            out.append(try decode(p, .element(path, name, i)))
        }
        return out
    }

    /// A batch's items (1…`max`, or 0…`max` when `optional`), each decoded on its own: an item
    /// that does not validate is `placeholder` at its index, with its error, and the others still
    /// decode.
    static func batch<C, M>(
        _ n: Int, _ array: UnsafeMutablePointer<UnsafeMutablePointer<C>?>?, _ max: Int, _ path: FieldPath,
        _ name: String, optional: Bool = false, placeholder: M,
        _ decode: (UnsafeMutablePointer<C>, FieldPath) throws(RPCError) -> M
    ) throws(RPCError) -> ([M], [Int: RPCError]) {
        if n == 0 && optional { return ([], [:]) }
        guard n > 0, let array else { throw invalid(path, name, "at least one item required") }
        guard n <= max else { throw invalid(path, name, "at most \(max) values (got \(n))") }
        var items: [M] = []
        var errors: [Int: RPCError] = [:]
        items.reserveCapacity(n)
        for i in 0..<n {
            guard let p = array[i] else { continue }
            do {
                items.append(try decode(p, .element(path, name, i)))
            } catch {
                items.append(placeholder)
                errors[items.count - 1] = error
            }
        }
        return (items, errors)
    }
}

/// The field checks named by the proto's @tags. Every failure is INVALID_ARGUMENT naming the field.
enum WireCheck {
    static func invalid(_ path: FieldPath, _ name: String, _ what: String) -> RPCError {
        WireDecode.invalid(path, name, what)
    }

    /// `@id`: at most ``Limits/maxIDBytes``; with `@required`, non-empty.
    @inline(__always)
    static func id(_ s: String, required: Bool, _ path: FieldPath, _ name: String) throws(RPCError) {
        if required && s.isEmpty { throw invalid(path, name, "required") }
        if s.utf8.count > Limits.maxIDBytes { throw invalid(path, name, "longer than \(Limits.maxIDBytes) bytes") }
    }

    /// Free text of at most `max` bytes; with `@required`, non-empty.
    @inline(__always)
    static func text(_ s: String, max: Int, required: Bool, _ path: FieldPath, _ name: String) throws(RPCError) {
        if s.utf8.count > max { throw invalid(path, name, "longer than \(max) bytes") }
        if required && s.isEmpty { throw invalid(path, name, "required") }
    }

    /// `@local_time`: "" or "YYYY-MM-DDTHH:MM:SS".
    static func localTime(_ s: String, _ path: FieldPath, _ name: String) throws(RPCError) {
        guard s.isEmpty || Validation.isLocalTime(s) else {
            throw invalid(path, name, "must be a local time YYYY-MM-DDTHH:MM:SS")
        }
    }

    /// `@zone`: "" or an IANA zone name (syntax only; existence is the server's check).
    static func zone(_ s: String, _ path: FieldPath, _ name: String) throws(RPCError) {
        guard s.isEmpty || Validation.isZoneName(s) else { throw invalid(path, name, "not a time zone name") }
    }

    /// `@range`: in `range`, or 0 (meaning "default") when `zeroAllowed`.
    @inline(__always)
    static func range(_ v: Int32, _ range: ClosedRange<Int32>, zeroAllowed: Bool, _ path: FieldPath, _ name: String)
        throws(RPCError)
    {
        if v == 0 && zeroAllowed { return }
        guard range.contains(v) else { throw invalid(path, name, "must be \(range.lowerBound)–\(range.upperBound)") }
    }

    /// `@instant`: 0 (unset) or within ``Limits/supportedInstantMilliseconds``.
    @inline(__always)
    static func instant(_ v: Int64, _ path: FieldPath, _ name: String) throws(RPCError) {
        guard v == 0 || Limits.supportedInstantMilliseconds.contains(v) else {
            throw invalid(path, name, "outside the supported range (years 1900–9999)")
        }
    }

    /// `@known`: an enum value this version knows (a newer peer's value is refused, not guessed at).
    static func known<E: WireEnum>(_ v: E, _ path: FieldPath, _ name: String) throws(RPCError) {
        guard v.isKnown else { throw invalid(path, name, "unknown value \(v.rawValue)") }
    }

    /// `@max` on a repeated field: at most `max` values.
    static func count(_ n: Int, max: Int, _ path: FieldPath, _ name: String) throws(RPCError) {
        guard n <= max else { throw invalid(path, name, "at most \(max) values (got \(n))") }
    }

    /// `@platform`: at most ``Limits/maxPlatforms`` platform ids, each non-empty and at most 64
    /// bytes; with `@required`, at least one.
    static func platforms(_ list: [String], required: Bool, _ path: FieldPath, _ name: String) throws(RPCError) {
        try count(list.count, max: Limits.maxPlatforms, path, name)
        if required && list.isEmpty { throw invalid(path, name, "at least one platform required") }
        for (i, p) in list.enumerated() {
            if p.isEmpty { throw RPCError.invalidArgument(field: FieldPath.element(path, name, i).text, "empty") }
            if p.utf8.count > 64 {
                throw RPCError.invalidArgument(field: FieldPath.element(path, name, i).text, "longer than 64 bytes")
            }
        }
    }

    /// `@id` on a repeated field: 1…`max` ids, each non-empty and at most ``Limits/maxIDBytes``.
    static func ids(_ list: [String], max: Int, _ path: FieldPath, _ name: String) throws(RPCError) {
        try count(list.count, max: max, path, name)
        if list.isEmpty { throw invalid(path, name, "at least one id required") }
        for (i, id) in list.enumerated() {
            if id.isEmpty { throw RPCError.invalidArgument(field: FieldPath.element(path, name, i).text, "empty") }
            if id.utf8.count > Limits.maxIDBytes {
                throw RPCError.invalidArgument(
                    field: FieldPath.element(path, name, i).text, "longer than \(Limits.maxIDBytes) bytes")
            }
        }
    }
}

/// The memory of a C struct tree being built for packing: one bump allocator over a first chunk
/// the caller provides (on its stack) and then malloc'd chunks, freed at once.
///
/// Public only because ``WireMessage`` names it; it has no public API.
public struct WireArena: ~Copyable {
    /// The malloc'd chunks, newest first, each linking to the previous one in its first 16 bytes.
    private var chunks: UnsafeMutableRawPointer? = nil
    private var cursor: UnsafeMutableRawPointer?
    private var remaining: Int

    /// `initial` (8-byte aligned, not freed here) serves the first allocations.
    init(initial: UnsafeMutableRawBufferPointer) {
        cursor = initial.baseAddress
        remaining = initial.baseAddress == nil ? 0 : initial.count
    }

    deinit {
        var next = chunks
        while let c = next {
            next = c.load(as: UnsafeMutableRawPointer?.self)
            free(c)
        }
    }

    /// `size` bytes aligned to 8, not zeroed: every caller writes all of them (a C message through
    /// its generated init function, an array element by element, a string up to its NUL).
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        let rounded = (Swift.max(size, 1) + 7) & ~7
        if rounded > remaining {
            let chunkSize = Swift.max(rounded + 16, 8192)
            guard let c = malloc(chunkSize) else { fatalError("WireProtocol: out of memory") }
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

    /// A NUL-terminated copy of `s`.
    mutating func string(_ s: String) -> UnsafeMutablePointer<CChar> {
        var s = s
        return s.withUTF8 { utf8 in
            let p = allocate(utf8.count + 1)
            if let base = utf8.baseAddress { p.copyMemory(from: base, byteCount: utf8.count) }
            p.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return p.assumingMemoryBound(to: CChar.self)
        }
    }

    mutating func bytes(_ b: [UInt8]) -> ProtobufCBinaryData {
        guard !b.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let p = allocate(b.count)
        b.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: b.count) }
        return ProtobufCBinaryData(len: b.count, data: p.assumingMemoryBound(to: UInt8.self))
    }

    mutating func strings(_ list: [String]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !list.isEmpty else { return (0, nil) }
        let array = allocate(list.count * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)
            .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
        for (i, s) in list.enumerated() { array[i] = string(s) }
        return (list.count, array)
    }

    mutating func scalars<T>(_ list: [T]) -> (Int, UnsafeMutablePointer<T>?) {
        guard !list.isEmpty else { return (0, nil) }
        let array = allocate(list.count * MemoryLayout<T>.stride).assumingMemoryBound(to: T.self)
        for (i, v) in list.enumerated() { array[i] = v }
        return (list.count, array)
    }

    /// A new C message of type `C`, initialized by its generated `init` function.
    mutating func message<C>(_: C.Type, _ initialize: (UnsafeMutablePointer<C>?) -> Void) -> UnsafeMutablePointer<C> {
        let p = allocate(MemoryLayout<C>.size).assumingMemoryBound(to: C.self)
        initialize(p)
        return p
    }

    /// A repeated message field: each value built into a new C message.
    mutating func messages<M: WireMessage, C>(
        _ values: [M], _: C.Type, _ initialize: (UnsafeMutablePointer<C>?) -> Void
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<C>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = allocate(values.count * MemoryLayout<UnsafeMutablePointer<C>?>.stride)
            .assumingMemoryBound(to: UnsafeMutablePointer<C>?.self)
        for (i, v) in values.enumerated() {
            let p = message(C.self, initialize)
            v._fill(UnsafeMutableRawPointer(p), &self)
            array[i] = p
        }
        return (values.count, array)
    }
}
