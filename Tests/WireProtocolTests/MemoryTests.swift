import Foundation
import Testing

@testable import WireProtocol

@Suite("Memory")
struct MemoryTests {
    /// Resident pages from /proc/self/statm (Linux), in bytes.
    static func residentBytes() -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = s.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Decodes (frame + payload, and a payload that fails UTF-8 validation after unpacking) and
    /// encodes `n` times.
    static func work(_ n: Int) throws {
        let frameBytes = try Fixtures.bytes("dequeue_response.bin")
        let payload = Samples.dequeueResponse.serializedBytes()
        let badUTF8: [UInt8] = [0x0A, 0x02, 0xC3, 0x28, 0x12, 0x01, 0x73]  // GetRequest, project_id not UTF-8
        var decoder = FrameDecoder()
        for _ in 0..<n {
            let frames = try decoder.decode(frameBytes)
            guard frames.count == 1 else { throw RPCError(code: .internal, message: "no frame") }
            _ = try V1.DequeueResponse(serializedBytes: payload)
            _ = try? V1.GetRequest(serializedBytes: badUTF8)
            _ = Samples.enqueueRequest.serializedBytes()
        }
    }

    @Test("every unpacked or built C message is freed: 100,000 rounds leave none behind")
    func everyCMessageFreed() throws {
        try Self.work(100_000)
        // Other suites may be decoding on other threads right now; a leak here would leave
        // hundreds of thousands behind.
        let live = ProtoBridge.liveCMessages.load(ordering: .relaxed)
        #expect(live < 1000, "\(live) C messages still allocated")
    }

    @Test(
        "decoding 100,000 messages does not grow the resident set",
        .enabled(if: residentBytes() != nil, "/proc/self/statm is not available on this system")
    )
    func noGrowth() throws {
        try Self.work(5_000)  // warm up allocator pools and lazy statics
        let before = Self.residentBytes()!
        try Self.work(100_000)
        let after = Self.residentBytes()!
        // Each round allocates about 3 KB in C (structs, strings, arrays) and more in Swift: a leak
        // would grow the RSS by hundreds of MB. The margin absorbs other suites running in parallel.
        #expect(after - before < 48 * 1024 * 1024, "RSS grew by \(after - before) bytes")
    }
}
