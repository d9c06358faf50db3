// Fuzz target for the frame decoder and the message decoders.
//
// libFuzzer build (see docs/PROTOCOL.md, "Fuzzing"):
//   swift build -c debug --scratch-path .build-fuzz --product wire-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DWIRE_FUZZ
//   .build-fuzz/debug/wire-fuzz -runs=1000000 Tests/WireProtocolTests/Fixtures
// Normal build (`swift build`): a plain executable that replays the given files (e.g. a corpus
// or crash reproducers) through the same checks.
import WireProtocol

/// Every message type a payload may be decoded as.
let messageTypes: [any WireMessage.Type] = [
    Frame.self, Frame.Request.self, Frame.Response.self, Frame.GoAway.self, MetadataEntry.self,
    SchedulerV1.EnqueueRequest.self, SchedulerV1.EnqueueResponse.self, SchedulerV1.DequeueRequest.self,
    SchedulerV1.DequeueResponse.self, SchedulerV1.StartRequest.self, SchedulerV1.StartResponse.self,
    SchedulerV1.HeartbeatRequest.self, SchedulerV1.HeartbeatResponse.self, SchedulerV1.CompleteRequest.self,
    SchedulerV1.CompleteResponse.self, SchedulerV1.FailRequest.self, SchedulerV1.FailResponse.self,
    SchedulerV1.GetRequest.self, SchedulerV1.GetResponse.self, SchedulerV1.ListRequest.self,
    SchedulerV1.ListResponse.self, SchedulerV1.UpdateRequest.self, SchedulerV1.UpdateResponse.self,
    SchedulerV1.CancelRequest.self, SchedulerV1.CancelResponse.self, SchedulerV1.PauseRequest.self,
    SchedulerV1.PauseResponse.self, SchedulerV1.ResumeRequest.self, SchedulerV1.ResumeResponse.self,
    SchedulerV1.BatchPauseRequest.self, SchedulerV1.BatchPauseResponse.self, SchedulerV1.BatchResumeRequest.self,
    SchedulerV1.BatchResumeResponse.self, SchedulerV1.BatchCancelRequest.self, SchedulerV1.BatchCancelResponse.self,
    SchedulerV1.PublishNowRequest.self, SchedulerV1.PublishNowResponse.self, SchedulerV1.ConfirmOutcomeRequest.self,
    SchedulerV1.ConfirmOutcomeResponse.self, SchedulerV1.RescheduleRequest.self,
    SchedulerV1.RescheduleResponse.self, SchedulerV1.ValidateRequest.self, SchedulerV1.ValidateResponse.self,
    SchedulerV1.StatsRequest.self, SchedulerV1.StatsResponse.self, SchedulerV1.ListConflictsRequest.self,
    SchedulerV1.ListConflictsResponse.self, SchedulerV1.ResolveConflictRequest.self,
    SchedulerV1.ResolveConflictResponse.self, SchedulerV1.PreviewOccurrencesRequest.self,
    SchedulerV1.PreviewOccurrencesResponse.self, SchedulerV1.HealthRequest.self, SchedulerV1.HealthResponse.self,
    SchedulerV1.Schedule.self, SchedulerV1.Recurrence.self, SchedulerV1.EnqueueBatchRequest.self,
    SchedulerV1.EnqueueBatchResponse.self, SchedulerV1.AcknowledgeRequest.self, SchedulerV1.AcknowledgeResponse.self,
    SchedulerV1.ListAlertsRequest.self, SchedulerV1.ListAlertsResponse.self, SchedulerV1.AlertRecord.self,
]

/// Decoding then re-encoding must be stable: bytes(decode(bytes(decode(x)))) == bytes(decode(x)).
/// (Compared as bytes, not values, because NaN != NaN.)
extension WireMessage {
    static func checkStable(_ bytes: [UInt8]) {
        guard let first = try? Self(serializedBytes: bytes) else { return }
        let once = first.serializedBytes()
        guard let second = try? Self(serializedBytes: once) else {
            fatalError("\(protoMessageName): re-encoded bytes no longer decode")
        }
        precondition(second.serializedBytes() == once, "\(protoMessageName): encoding is not stable")
    }
}

func checkPayload(method: String, _ payload: [UInt8], response: Bool) {
    guard let m = SchedulerV1.Scheduler.methods.first(where: { $0.path == method }) else { return }
    let name = response ? m.responseMessageName : m.requestMessageName
    for t in messageTypes where t.protoMessageName == name { t.checkStable(payload) }
}

/// One fuzz input, used whole as the byte stream (so the committed fixtures are good seeds); a
/// control byte derived from its length and last byte picks the chunk size, the frame cap and a
/// message type.
func fuzzOne(_ data: [UInt8]) {
    let control = UInt8(truncatingIfNeeded: data.count) ^ (data.last ?? 0)

    // 1. The framing path, in chunks; half the time with a small cap so "too large" is reachable.
    let cap = control < 128 ? Limits.defaultMaxFrameSize : 1 + Int(control - 128) * 8
    var decoder = FrameDecoder(maxFrameSize: cap)
    let chunk = 1 + Int(control % 17)
    var i = 0
    var frames: [Frame] = []
    do {
        while i < data.count {
            let end = min(i + chunk, data.count)
            try decoder.append(data[i..<end])
            while let f = decoder.nextFrame() { frames.append(f) }
            i = end
        }
    } catch {
        precondition(decoder.failure == error, "decoder error not recorded")
        while let f = decoder.nextFrame() { frames.append(f) }
    }
    for f in frames {
        // A decoded frame re-encodes to a frame that decodes to itself.
        guard let bytes = try? FrameEncoder(maxFrameSize: Int(UInt32.max)).encode(f) else {
            fatalError("re-encode failed")
        }
        var again = FrameDecoder(maxFrameSize: Int(UInt32.max))
        guard let back = try? again.decode(bytes), back == [f] else { fatalError("frame round trip failed") }
        switch f.kind {
        case .request(let r): checkPayload(method: r.method, r.payload, response: false)
        case .response(let r):
            for m in SchedulerV1.Scheduler.methods { checkPayload(method: m.path, r.payload, response: true) }
        default: break
        }
    }

    // 2. The raw bytes (without a length prefix) as one message type.
    messageTypes[Int(control) % messageTypes.count].checkStable(data)
    if data.count > 4 { messageTypes[Int(control) % messageTypes.count].checkStable(Array(data.dropFirst(4))) }
}

#if WIRE_FUZZ
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        fuzzOne(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links executables with `main` aliased to `<module>_main`; hand control to libFuzzer's
    /// driver from there (libFuzzer's own `main` is then not linked).
    @_cdecl("wire_fuzz_main")
    public func wireFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput)
    }
#else
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Darwin)
        import Darwin
    #endif

    @main
    enum WireFuzzReplay {
        /// Replays each file given on the command line through the fuzz checks.
        static func main() {
            let paths = CommandLine.arguments.dropFirst()
            if paths.isEmpty {
                print("usage: wire-fuzz FILE...   (replays inputs; build with -DWIRE_FUZZ for libFuzzer)")
                return
            }
            for path in paths {
                guard let f = fopen(path, "rb") else {
                    print("wire-fuzz: cannot open \(path)")
                    exit(1)
                }
                var bytes: [UInt8] = []
                var buf = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = fread(&buf, 1, buf.count, f)
                    if n <= 0 { break }
                    bytes += buf[0..<n]
                }
                fclose(f)
                fuzzOne(bytes)
                print("wire-fuzz: \(path): ok (\(bytes.count) bytes)")
            }
        }
    }
#endif
