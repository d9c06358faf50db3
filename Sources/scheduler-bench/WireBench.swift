import ArgumentParser
import Foundation
import WireProtocol

/// `scheduler-bench wire [--json]`: the wire layer alone, no I/O: encoding and decoding (with
/// validation) of the messages of the hot path, as the server and the client do them per call.
struct WireBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wire",
        abstract: "Wire layer: encode and decode (validating) the hot path's messages, in ns per message.",
        discussion: """
            Scenarios: an Enqueue request frame as the server receives it (frame, then payload), the \
            Enqueue response as the server sends it (payload, then frame), and a Dequeue response \
            of 10 items (encode and decode). Only the public API is used, so the same file builds \
            against older versions of the wire layer for a before/after comparison.
            """)

    @Option(help: "Messages per run.") var iterations: Int = 200_000
    @Option(help: "Runs; the median is reported.") var runs: Int = 5
    @Option(help: "Run only the scenarios with these names (repeatable); default all.") var scenario: [String] = []
    @Flag(help: "Print one JSON object.") var json = false

    typealias V1 = SchedulerV1

    static let schedule = V1.Schedule(
        id: "sch_01J9ZQ4X7N3K", projectID: "proj_acme", contentID: "cnt_42", scheduledForMs: 1_767_254_400_000,
        localTime: "2026-01-01T09:00:00", timezone: "Europe/Berlin", platforms: ["twitter", "linkedin"], priority: 5,
        queueStatus: .queued, status: .scheduled, queuedAtMs: 1_767_254_400_100, isRecurring: false,
        seriesID: "", retryCount: 0, maxRetries: 3, retryDelaySeconds: 300,
        lease: V1.Lease(owner: "worker-7", token: "", expiresAtMs: 1_767_254_700_000),
        idempotencyKey: "enq-7f3c2a", notes: "launch post", metadataJSON: "{\"campaign\":\"q1\"}",
        createdAtMs: 1_767_000_000_000, updatedAtMs: 1_767_254_400_100)

    static let enqueue = V1.EnqueueRequest(
        projectID: "proj_acme", contentID: "cnt_42", localTime: "2026-01-01T09:00:00", timezone: "Europe/Berlin",
        platforms: ["twitter", "linkedin"], priority: 7, notes: "launch post",
        metadataJSON: "{\"campaign\":\"q1\"}", idempotencyKey: "enq-7f3c2a")

    func run() throws {
        guard iterations > 0, (1...100).contains(runs) else {
            throw ValidationError("--iterations must be positive and --runs 1…100")
        }
        let requestFrame = Frame(
            callID: 7,
            kind: .request(
                Frame.Request(
                    method: SchedulerV1.Scheduler.Enqueue.path,
                    metadata: [MetadataEntry(key: "authorization", value: "Bearer st_abc_0123456789abcdef")],
                    timeoutMs: 5000, payload: Self.enqueue.serializedBytes())))
        let requestBytes = try FrameEncoder().encode(requestFrame)
        let enqueueResponse = V1.EnqueueResponse(schedule: Self.schedule)
        let items = (0..<10).map { i in
            V1.DequeuedItem(
                schedule: Self.schedule, leaseToken: "lt_\(i)_9f2c", leaseExpiresAtMs: 1_767_254_700_000,
                attemptIdempotencyKey: "sch_01J9ZQ4X7N3K#1", attempt: 1)
        }
        let dequeue = V1.DequeueResponse(items: items)
        let dequeueBytes = dequeue.serializedBytes()

        var scenarios: [(String, () throws -> Void)] = []
        // The server's receive path: one frame off the wire, then its payload as the request.
        scenarios.append(("decode-enqueue-request-frame", {
            var decoder = FrameDecoder()
            let frames = try decoder.decode(requestBytes)
            guard case .request(let r)? = frames.first?.kind else { throw ValidationError("no request") }
            _ = try V1.EnqueueRequest(serializedBytes: r.payload)
        }))
        // The server's send path: the response message into a payload, the payload into a frame.
        scenarios.append(("encode-enqueue-response-frame", {
            var out: [UInt8] = []
            try FrameEncoder().encode(Frame(callID: 7, kind: .response(.ok(enqueueResponse))), into: &out)
        }))
        // A Health call, the smallest, both sides, through the calls the client and the server
        // make: the message to a payload, the frame to bytes, bytes (an array, as the transport
        // hands them over) to frames, a payload to the message.
        let healthRequestBytes = try FrameEncoder().encode(
            Frame(callID: 7, kind: .request(Frame.Request(method: SchedulerV1.Scheduler.Health.path, timeoutMs: 5000,
                payload: V1.HealthRequest().serializedBytes()))))
        let healthResponseBytes = try FrameEncoder().encode(
            Frame(callID: 7, kind: .response(.ok(V1.HealthResponse(status: .serving)))))
        var serverDecoder = FrameDecoder()
        var clientDecoder = FrameDecoder()
        var out: [UInt8] = []
        scenarios.append(("health-call", {
            // Client: the request out.
            out.removeAll(keepingCapacity: true)
            try FrameEncoder().encode(
                Frame(callID: 7, kind: .request(Frame.Request(method: SchedulerV1.Scheduler.Health.path, timeoutMs: 5000,
                    payload: V1.HealthRequest().serializedBytes()))), into: &out)
            // Server: the request in, the response out.
            try serverDecoder.append(healthRequestBytes)
            guard case .request(let r)? = serverDecoder.nextFrame()?.kind else { throw ValidationError("no request") }
            _ = try V1.HealthRequest(serializedBytes: r.payload)
            out.removeAll(keepingCapacity: true)
            try FrameEncoder().encode(Frame(callID: 7, kind: .response(.ok(V1.HealthResponse(status: .serving)))), into: &out)
            // Client: the response in.
            try clientDecoder.append(healthResponseBytes)
            guard case .response(let response)? = clientDecoder.nextFrame()?.kind else { throw ValidationError("no response") }
            _ = try response.result(as: V1.HealthResponse.self)
        }))
        scenarios.append(("encode-dequeue-response-10", { _ = dequeue.serializedBytes() }))
        scenarios.append(("decode-dequeue-response-10", { _ = try V1.DequeueResponse(serializedBytes: dequeueBytes) }))

        let unknown = scenario.filter { name in !scenarios.contains { $0.0 == name } }
        guard unknown.isEmpty else {
            throw ValidationError("unknown --scenario \(unknown.joined(separator: ", ")); known: \(scenarios.map(\.0).joined(separator: ", "))")
        }
        var results: [(String, Double, [Double])] = []
        for (name, body) in scenarios where scenario.isEmpty || scenario.contains(name) {
            for _ in 0..<min(iterations, 20_000) { try body() }  // warm up
            var perRun: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<iterations { try body() }
                let elapsed = DispatchTime.now().uptimeNanoseconds - start
                perRun.append(Double(elapsed) / Double(iterations))
            }
            perRun.sort()
            results.append((name, perRun[perRun.count / 2], perRun))
        }
        if json {
            let body = results.map { r in
                "\"\(r.0)\":{\"ns_per_op\":\(Int(r.1.rounded())),\"runs\":[\(r.2.map { String(Int($0.rounded())) }.joined(separator: ","))]}"
            }.joined(separator: ",")
            print("{\"scenario\":\"wire\",\"iterations\":\(iterations),\(body)}")
        } else {
            for r in results {
                print("\(r.0): median \(Int(r.1.rounded())) ns per message over \(runs) runs of \(iterations)")
            }
        }
    }
}
