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
        "decoding 120,000 messages does not grow the resident set",
        .enabled(if: residentBytes() != nil, "/proc/self/statm is not available on this system")
    )
    func noGrowth() throws {
        try Self.work(5_000)  // warm up allocator pools and lazy statics
        // Each round allocates about 3 KB in C (structs, strings, arrays) and more in Swift, so a
        // leak grows the RSS by 120 MB or more in every batch of 40,000. Other suites in this
        // process (a thousand connections, a child process's pipe) can grow it too, but not in
        // every batch: the smallest growth of three batches is the one that counts.
        var growth: [Int] = []
        for _ in 0..<3 {
            let before = Self.residentBytes()!
            try Self.work(40_000)
            growth.append(Self.residentBytes()! - before)
        }
        #expect(growth.min()! < 40 * 1024 * 1024, "RSS grew by \(growth) bytes per batch")
    }
}
