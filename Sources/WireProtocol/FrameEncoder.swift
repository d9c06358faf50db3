/// Encodes frames for the wire: 4-byte big-endian length N, then N bytes of the serialized Frame.
public struct FrameEncoder: Sendable {
    /// Frames larger than this (N, without the 4-byte prefix) are refused.
    public let maxFrameSize: Int

    /// Creates an encoder. `maxFrameSize` must be in 1...UInt32.max.
    public init(maxFrameSize: Int = Limits.defaultMaxFrameSize) {
        precondition(maxFrameSize >= 1 && UInt64(maxFrameSize) <= UInt64(UInt32.max), "maxFrameSize out of range")
        self.maxFrameSize = maxFrameSize
    }

    /// The frame with its length prefix.
    /// - Throws: ``FrameError`` `.frameTooLarge` when the serialized frame exceeds ``maxFrameSize``.
    public func encode(_ frame: Frame) throws(FrameError) -> [UInt8] {
        var out: [UInt8] = []
        try encode(frame, into: &out)
        return out
    }

    /// Appends the frame with its length prefix to `buffer` (unchanged on error).
    public func encode(_ frame: Frame, into buffer: inout [UInt8]) throws(FrameError) {
        // Packed straight after the prefix: no separate body array to copy.
        let size = ProtoBridge.encodeFrame(frame, appendingTo: &buffer, maxSize: maxFrameSize)
        guard size <= maxFrameSize else {
            throw FrameError(code: .frameTooLarge, reason: "frame length \(size) exceeds the maximum \(maxFrameSize)")
        }
    }
}
