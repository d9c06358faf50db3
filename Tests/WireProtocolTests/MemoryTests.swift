import Foundation
import Testing
import WireProtocol

@Suite("Memory")
struct MemoryTests {
    /// Resident pages from /proc/self/statm (Linux), in bytes.
    static func residentBytes() -> Int? {
        guard let s = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = s.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test(
        "decoding 100,000 messages does not grow the resident set (every unpacked message is freed)",
        .enabled(if: residentBytes() != nil, "/proc/self/statm is not available on this system")
    )
    func noGrowth() throws {
        let frameBytes = try Fixtures.bytes("dequeue_response.bin")
        let payload = V1.DequeueResponse.init(items: Samples.dequeueResponse.items).serializedBytes()
        func work(_ n: Int) throws {
            var decoder = FrameDecoder()
            for _ in 0..<n {
                let frames = try decoder.decode(frameBytes)
                guard frames.count == 1 else { throw RPCError(code: .internal, message: "no frame") }
                _ = try V1.DequeueResponse(serializedBytes: payload)
                _ = Samples.enqueueRequest.serializedBytes()
            }
        }
        try work(5_000)  // warm up allocator pools and lazy statics
        let before = Self.residentBytes()!
        try work(100_000)
        let after = Self.residentBytes()!
        // 100,000 leaked frames of ~1 KB (C structs, strings, arrays) would be > 100 MB.
        #expect(after - before < 8 * 1024 * 1024, "RSS grew by \(after - before) bytes")
    }
}
