import Foundation
import Testing
import WireProtocol

@Suite("Golden frames")
struct GoldenFrameTests {
    static let names = Samples.golden.map(\.name)

    @Test("encoding the expected value gives the fixture bytes", arguments: names)
    func encodeMatchesFixture(name: String) throws {
        let g = Samples.golden.first { $0.name == name }!
        let fixture = try Fixtures.bytes("\(name).bin")
        #expect(try FrameEncoder().encode(g.frame) == fixture)
    }

    @Test("decoding the fixture gives the expected values", arguments: names)
    func decodeMatchesExpected(name: String) throws {
        let g = Samples.golden.first { $0.name == name }!
        var decoder = FrameDecoder()
        let frames = try decoder.decode(try Fixtures.bytes("\(name).bin"))
        #expect(frames == [g.frame])
        #expect(decoder.bufferedByteCount == 0)
        if let expected = g.payload {
            let payload: [UInt8]
            switch frames.first?.kind {
            case .request(let r): payload = r.payload
            case .response(let r): payload = r.payload
            default: Issue.record("no payload in \(name)"); return
            }
            let decoded = try type(of: expected).init(serializedBytes: payload)
            #expect(AnyHashable(decoded) == AnyHashable(expected))
        }
    }

    @Test(
        "protoc --decode (an independent implementation) prints the committed text",
        .enabled(
            if: which("protoc") != nil,
            "protoc is not installed (scripts/install-deps or apt-get install protobuf-compiler); cross-check skipped"
        ),
        arguments: names
    )
    func protocAgrees(name: String) async throws {
        let protoc = try #require(which("protoc"))
        let root = Fixtures.repositoryRoot
        let protos = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("proto/scheduler/v1").path
        )
        .filter { $0.hasSuffix(".proto") }.sorted().map { "scheduler/v1/\($0)" }
        let bin = try Fixtures.bytes("\(name).bin")
        let (status, out, err) = try await run(
            protoc,
            ["--decode=scheduler.v1.Frame", "-I", "proto"] + protos,
            stdin: Array(bin.dropFirst(4)),
            cwd: root
        )
        #expect(status == 0, "protoc failed: \(err)")
        #expect(out == (try Fixtures.text("\(name).txt")))

        // The payload, decoded by protoc as its own message type, also matches.
        let g = Samples.golden.first { $0.name == name }!
        if let payload = g.payload {
            let typeName = type(of: payload).protoMessageName
            let (s2, out2, err2) = try await run(
                protoc,
                ["--decode=\(typeName)", "-I", "proto"] + protos,
                stdin: payload.serializedBytes(),
                cwd: root
            )
            #expect(s2 == 0, "protoc failed: \(err2)")
            #expect(out2 == (try Fixtures.text("\(name).payload.txt")))
        }
    }

    @Test("the length prefix is 4-byte big-endian N")
    func lengthPrefix() throws {
        let bytes = try FrameEncoder().encode(Frame(callID: 0, kind: .ping(.init(nonce: 42))))
        #expect(bytes == [0, 0, 0, 4, 0x2A, 0x02, 0x08, 0x2A])
    }
}
