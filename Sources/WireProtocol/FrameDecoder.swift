/// An incremental frame decoder: feed it bytes in any chunking, take out whole frames.
///
/// The length N of each frame is checked as soon as its 4 prefix bytes have arrived, before any
/// of its body is buffered: N = 0 and N > ``maxFrameSize`` are errors. A complete body that is not
/// a valid `scheduler.v1.Frame` is an error. Partial frames wait for more bytes. At most one
/// incomplete frame (≤ ``maxFrameSize`` bytes) is held, and memory grows only with the bytes
/// received, never with the declared length.
///
/// Errors are final: the stream cannot be resynchronised, so every later ``append(_:)`` throws the
/// same error. Frames completed before the error stay available from ``nextFrame()``.
public struct FrameDecoder: Sendable {
    /// The largest accepted N (bytes after the prefix).
    public let maxFrameSize: Int

    /// Capacity reserved when a frame starts; the buffer grows as its bytes arrive.
    static let initialBodyCapacity = 64 * 1024

    private var header: [UInt8] = []
    private var expected: Int?
    private var body: [UInt8] = []
    private var ready: [Frame] = []
    private var readyStart = 0
    /// The error that stopped the decoder, if any.
    public private(set) var failure: FrameError?

    /// Creates a decoder. `maxFrameSize` must be in 1...UInt32.max (default 4 MiB).
    public init(maxFrameSize: Int = Limits.defaultMaxFrameSize) {
        precondition(maxFrameSize >= 1 && UInt64(maxFrameSize) <= UInt64(UInt32.max), "maxFrameSize out of range")
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes held for the incomplete frame (prefix and body).
    public var bufferedByteCount: Int { header.count + body.count + (expected == nil ? 0 : 4) }

    /// Feeds bytes; complete frames become available from ``nextFrame()``.
    /// - Throws: ``FrameError`` on N = 0, N > ``maxFrameSize`` or a malformed frame.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(FrameError) {
        try appendBytes(bytes)
    }

    /// ``append(_:)`` for what the transport hands over: an array. Not generic, so it runs fully
    /// specialized when called from another module (the generic one looked up type metadata at
    /// run time for every frame: ~3 % of a small call's CPU on each side).
    public mutating func append(_ bytes: [UInt8]) throws(FrameError) {
        try appendBytes(bytes)
    }

    private mutating func appendBytes<C: Collection<UInt8>>(_ bytes: C) throws(FrameError) {
        if let failure { throw failure }
        var i = bytes.startIndex
        while i != bytes.endIndex {
            if let n = expected {
                if body.isEmpty, let end = bytes.index(i, offsetBy: n, limitedBy: bytes.endIndex) {
                    // The whole body is in `bytes`: decode it where it is, without buffering.
                    expected = nil
                    try finish(bytes[i..<end])
                    i = end
                    continue
                }
                let end = bytes.index(i, offsetBy: n - body.count, limitedBy: bytes.endIndex) ?? bytes.endIndex
                body.append(contentsOf: bytes[i..<end])
                i = end
                if body.count == n {
                    let complete = body
                    body = []
                    expected = nil
                    try finish(complete)
                }
            } else {
                let end = bytes.index(i, offsetBy: 4 - header.count, limitedBy: bytes.endIndex) ?? bytes.endIndex
                header.append(contentsOf: bytes[i..<end])
                i = end
                if header.count == 4 {
                    let n =
                        UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3])
                    header.removeAll(keepingCapacity: true)
                    try start(length: n)
                }
            }
        }
    }

    /// The next complete frame, or nil when none is ready.
    public mutating func nextFrame() -> Frame? {
        guard readyStart < ready.count else { return nil }
        let frame = ready[readyStart]
        readyStart += 1
        if readyStart == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyStart = 0
        }
        return frame
    }

    /// Feeds bytes and returns every frame completed so far.
    public mutating func decode(_ bytes: some Collection<UInt8>) throws(FrameError) -> [Frame] {
        try append(bytes)
        var out: [Frame] = []
        while let f = nextFrame() { out.append(f) }
        return out
    }

    private mutating func start(length n: UInt32) throws(FrameError) {
        if n == 0 {
            throw fail(FrameError(code: .emptyFrame, reason: "frame length 0 (a frame is never empty)"))
        }
        if UInt64(n) > UInt64(maxFrameSize) {
            throw fail(
                FrameError(code: .frameTooLarge, reason: "frame length \(n) exceeds the maximum \(maxFrameSize)")
            )
        }
        expected = Int(n)
        // Grow with the bytes that actually arrive: a 4-byte prefix alone must not make the
        // decoder allocate N bytes (a cheap way to exhaust memory over many connections).
        body.reserveCapacity(min(Int(n), Self.initialBodyCapacity))
    }

    private mutating func finish(_ bytes: some Collection<UInt8>) throws(FrameError) {
        do {
            ready.append(try Frame(serializedBytes: bytes))
        } catch {
            throw fail(FrameError(code: .malformedFrame, reason: "\(bytes.count)-byte frame: \(error.message)"))
        }
    }

    private mutating func fail(_ error: FrameError) -> FrameError {
        failure = error
        header = []
        body = []
        expected = nil
        return error
    }
}
