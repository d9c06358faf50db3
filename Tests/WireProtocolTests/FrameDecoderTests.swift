import TestSupport
import Testing
import WireProtocol

@Suite("Frame decoder")
struct FrameDecoderTests {
    static func allFixtureBytes() throws -> [UInt8] {
        try Samples.golden.flatMap { try Fixtures.bytes("\($0.name).bin") }
    }

    static var allFrames: [Frame] { Samples.golden.map(\.frame) }

    @Test("every fixture, fed one byte at a time")
    func oneByteAtATime() throws {
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        for b in try Self.allFixtureBytes() {
            try decoder.append([b])
            while let f = decoder.nextFrame() { frames.append(f) }
        }
        #expect(frames == Self.allFrames)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("every fixture, in random chunks", arguments: [1, 2, 3, 42, 1234])
    func randomChunks(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let bytes = try Self.allFixtureBytes()
        var decoder = FrameDecoder()
        var frames: [Frame] = []
        var i = 0
        while i < bytes.count {
            let n = min(Int.random(in: 1...64, using: &rng), bytes.count - i)
            frames += try decoder.decode(bytes[i..<(i + n)])
            i += n
        }
        #expect(frames == Self.allFrames)
    }

    @Test("all fixtures in one chunk")
    func oneChunk() throws {
        var decoder = FrameDecoder()
        #expect(try decoder.decode(try Self.allFixtureBytes()) == Self.allFrames)
    }

    @Test("a partial frame waits for more bytes")
    func partialFrameWaits() throws {
        let bytes = try Fixtures.bytes("enqueue_request.bin")
        var decoder = FrameDecoder()
        #expect(try decoder.decode(bytes.dropLast()) == [])
        #expect(decoder.bufferedByteCount == bytes.count - 1)
        #expect(try decoder.decode(bytes.suffix(1)).count == 1)
        #expect(decoder.bufferedByteCount == 0)
        // Only part of the prefix.
        #expect(try decoder.decode([0, 0]) == [])
        #expect(decoder.bufferedByteCount == 2)
    }

    @Test("length 0 is an empty-frame error")
    func zeroLength() {
        var decoder = FrameDecoder()
        let error = #expect(throws: FrameError.self) { try decoder.append([0, 0, 0, 0]) }
        #expect(error?.code == .emptyFrame)
        #expect(error?.statusCode == .invalidArgument)
    }

    @Test("length 2^32-1 is refused from the prefix alone, before any body byte")
    func maxLength() {
        var decoder = FrameDecoder()
        let error = #expect(throws: FrameError.self) { try decoder.append([0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(error?.code == .frameTooLarge)
        #expect(error?.reason == "frame length 4294967295 exceeds the maximum 4194304")
        #expect(error?.statusCode == .resourceExhausted)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("just over the default cap is refused; exactly the cap is accepted")
    func justOverCap() throws {
        let cap = FrameDecoder().maxFrameSize
        #expect(cap == 4 * 1024 * 1024)
        var over = FrameDecoder()
        let n = UInt32(cap + 1)
        let error = #expect(throws: FrameError.self) {
            try over.append([UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)])
        }
        #expect(error?.code == .frameTooLarge)

        // A real frame of exactly `cap` bytes decodes.
        var payloadSize = cap - 16
        var frame = Frame(
            callID: 1,
            kind: .request(.init(method: "m", payload: [UInt8](repeating: 7, count: payloadSize)))
        )
        var encoded = try FrameEncoder().encode(frame)
        payloadSize += cap - (encoded.count - 4)
        frame = Frame(callID: 1, kind: .request(.init(method: "m", payload: [UInt8](repeating: 7, count: payloadSize))))
        encoded = try FrameEncoder().encode(frame)
        #expect(encoded.count - 4 == cap)
        var decoder = FrameDecoder()
        #expect(try decoder.decode(encoded) == [frame])
    }

    @Test("a configured cap applies to both sides")
    func configuredCap() throws {
        let frame = Frame(
            callID: 9,
            kind: .request(.init(method: "scheduler.v1.Scheduler/Get", payload: [UInt8](repeating: 1, count: 100)))
        )
        let bytes = try FrameEncoder().encode(frame)
        var small = FrameDecoder(maxFrameSize: 64)
        #expect(throws: FrameError.self) { try small.append(bytes) }
        #expect(throws: FrameError.self) { try FrameEncoder(maxFrameSize: 64).encode(frame) }
        var exact = FrameDecoder(maxFrameSize: bytes.count - 4)
        #expect(try exact.decode(bytes) == [frame])
    }

    @Test("a truncated frame yields nothing and no error; the rest completes it")
    func truncated() throws {
        let bytes = try Fixtures.bytes("dequeue_response.bin")
        for cut in [1, 3, 4, 5, bytes.count / 2, bytes.count - 1] {
            var decoder = FrameDecoder()
            #expect(try decoder.decode(bytes.prefix(cut)) == [], "cut at \(cut)")
            #expect(try decoder.decode(bytes.dropFirst(cut)).count == 1)
        }
    }

    @Test("a body that is not a Frame is a malformed-frame error")
    func malformedBody() {
        var decoder = FrameDecoder()
        // Field 1 declared as a length-delimited field running past the end.
        let error = #expect(throws: FrameError.self) { try decoder.append([0, 0, 0, 3, 0x0A, 0x05, 0x01]) }
        #expect(error?.code == .malformedFrame)
        #expect(error?.reason.contains("not a valid scheduler.v1.Frame") == true)
    }

    @Test("a frame without a kind is malformed")
    func frameWithoutKind() {
        var decoder = FrameDecoder()
        let error = #expect(throws: FrameError.self) { try decoder.append([0, 0, 0, 2, 0x08, 0x01]) }  // call_id 1 only
        #expect(error?.code == .malformedFrame)
        #expect(error?.reason.contains("frame.kind: required") == true)
    }

    @Test("invalid UTF-8 in a string field is malformed")
    func invalidUTF8() {
        // request { method: "\xFF" }
        var decoder = FrameDecoder()
        let error = #expect(throws: FrameError.self) { try decoder.append([0, 0, 0, 5, 0x12, 0x03, 0x0A, 0x01, 0xFF]) }
        #expect(error?.reason.contains("frame.request.method: not valid UTF-8") == true)
    }

    @Test("unknown fields are ignored")
    func unknownFields() throws {
        // ping { nonce: 5 } plus unknown field 99 (varint) at frame level and field 7 inside ping.
        let body: [UInt8] = [0x98, 0x06, 0x01, 0x2A, 0x04, 0x08, 0x05, 0x38, 0x01]
        var decoder = FrameDecoder()
        #expect(
            try decoder.decode([0, 0, 0, UInt8(body.count)] + body) == [Frame(callID: 0, kind: .ping(.init(nonce: 5)))]
        )
    }

    @Test("errors are final; frames before the error stay available")
    func errorsAreFinal() throws {
        let good = try Fixtures.bytes("ping.bin")
        var decoder = FrameDecoder()
        #expect(throws: FrameError.self) { try decoder.append(good + [0, 0, 0, 0] + good) }
        #expect(decoder.nextFrame() == Frame(callID: 0, kind: .ping(.init(nonce: 42))))
        #expect(decoder.nextFrame() == nil)
        let again = #expect(throws: FrameError.self) { try decoder.append(good) }
        #expect(again?.code == .emptyFrame)
        #expect(decoder.failure?.code == .emptyFrame)
    }

    @Test("random bytes give frames or a documented error, never a crash")
    func randomBytes() {
        var rng = SeededGenerator(seed: 0xC0FFEE)
        var outcomes: [FrameError.Code: Int] = [:]
        for _ in 0..<3000 {
            let count = Int.random(in: 0...64, using: &rng)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Keep many lengths small so bodies are actually parsed.
            if bytes.count >= 4 && Bool.random(using: &rng) {
                bytes[0] = 0
                bytes[1] = 0
                bytes[2] = 0
                bytes[3] = UInt8(min(count - 4, Int(bytes[3] % 64)))
            }
            var decoder = FrameDecoder(maxFrameSize: 1 << 20)
            do {
                _ = try decoder.decode(bytes)
            } catch {
                #expect([.emptyFrame, .frameTooLarge, .malformedFrame].contains(error.code))
                outcomes[error.code, default: 0] += 1
            }
        }
        #expect(outcomes[.malformedFrame, default: 0] > 0)
    }

    @Test("bytes after a frame on the same chunk are kept for the next one")
    func backToBack() throws {
        let ping = try Fixtures.bytes("ping.bin"), pong = try Fixtures.bytes("pong.bin")
        var decoder = FrameDecoder()
        #expect(try decoder.decode(ping + pong.prefix(3)).count == 1)
        #expect(try decoder.decode(pong.dropFirst(3)).count == 1)
    }
}

@Suite("Frame decoder memory")
struct FrameDecoderMemoryTests {
    @Test("a large declared length within the cap is accepted and waits for its bytes")
    func declaredLengthIsNotAllocated() throws {
        var decoder = FrameDecoder()
        try decoder.append([0x00, 0x3F, 0xFF, 0xFF])  // N = 4 MiB - 1: accepted, nothing buffered yet
        try decoder.append([0x08, 0x01])
        #expect(decoder.bufferedByteCount == 6)
        #expect(decoder.nextFrame() == nil)
    }
}
