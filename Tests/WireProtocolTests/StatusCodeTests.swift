import Testing
import WireProtocol

@Suite("Status codes and constants")
struct StatusCodeTests {
    @Test("gRPC canonical codes 0–16 with their names")
    func canonicalCodes() {
        let names = StatusCode.allCanonical.map(\.name)
        #expect(
            names == [
                "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
                "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
            ]
        )
        #expect(StatusCode.unauthenticated.rawValue == 16)
        #expect(StatusCode(name: "NOT_FOUND") == .notFound)
        #expect(StatusCode(rawValue: 42).name == "CODE_42")
        #expect(!StatusCode(rawValue: 42).isKnown)
    }

    @Test("ALPN id")
    func alpn() {
        #expect(ALPN.protocolID == "scheduler/1")
        #expect(ALPN.protocolIDBytes == Array("scheduler/1".utf8))
    }

    @Test("an unknown code survives a round trip")
    func unknownCode() throws {
        let frame = Frame(callID: 3, kind: .response(.init(code: StatusCode(rawValue: 99), message: "future")))
        var d = FrameDecoder()
        #expect(try d.decode(try FrameEncoder().encode(frame)) == [frame])
    }

    @Test("enum names")
    func enumNames() {
        #expect(V1.QueueStatus.pending.protoName == "QUEUE_STATUS_PENDING")
        #expect(V1.QueueStatus.pending.shortName == "PENDING")
        #expect(V1.ConflictSeverity(name: "ERROR") == .error)
        #expect(V1.ConflictSeverity(name: "CONFLICT_SEVERITY_CRITICAL") == .critical)
        #expect(V1.QueueStatus(rawValue: 77).protoName == "77")
        #expect(V1.QueueStatus.knownValues.count == 8)
    }
}
