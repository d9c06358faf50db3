import ArgumentParser
import Foundation
import TLS

/// `scheduler-bench tls [--json]`: the TLS record layer alone, no sockets: one small request and
/// one small response through two sessions in memory, as a connection does them per call
/// (ciphertext in, `readPlaintext(scratch:)`, `write(plaintext:)`, `takeCiphertext(appendingTo:)`).
/// What it reports is the CPU a call spends in TLS on both sides together, without the kernel.
struct TLSBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls",
        abstract: "TLS record layer: a small request and its response through two sessions in memory, in ns per call.",
        discussion: """
            The sessions are the ones schedulerd and the client use (TLS 1.3, the same context \
            options), with certificates from a throwaway CA. The sizes default to a Health call's \
            frames. Only the public API of the TLS module is used.
            """)

    @Option(help: "Request plaintext bytes.") var requestBytes: Int = 40
    @Option(help: "Response plaintext bytes.") var responseBytes: Int = 16
    @Option(help: "Calls per run.") var iterations: Int = 200_000
    @Option(help: "Runs; the median is reported.") var runs: Int = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard iterations > 0, (1...100).contains(runs), (1...16_384).contains(requestBytes),
            (1...16_384).contains(responseBytes)
        else {
            throw ValidationError("--iterations must be positive, --runs 1…100, the sizes 1…16384")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-bench-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ca = try CertificateAuthority.create(commonName: "scheduler-bench CA")
        let leaf = try ca.issue(commonName: "localhost", usage: .server, dnsNames: ["localhost"])
        let files = (ca: dir.appendingPathComponent("ca.pem").path, cert: dir.appendingPathComponent("server.pem").path,
            key: dir.appendingPathComponent("server.key").path)
        try ca.root.certificatePEM.write(toFile: files.ca, atomically: true, encoding: .utf8)
        try leaf.certificatePEM.write(toFile: files.cert, atomically: true, encoding: .utf8)
        try leaf.privateKeyPEM.write(toFile: files.key, atomically: true, encoding: .utf8)

        let alpn = ["scheduler-bench"]
        let server = try TLSSession(context: TLSContext(
            configuration: .server(certificateChainFile: files.cert, privateKeyFile: files.key, alpnProtocols: alpn)))
        let client = try TLSSession(context: TLSContext(
            configuration: .client(trustRootsFile: files.ca, serverName: "localhost", alpnProtocols: alpn)))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 16)
        defer { scratch.deallocate() }

        // The handshake, then the session tickets the server sends after it.
        var wire: [UInt8] = []
        for _ in 0..<10 {
            _ = try client.readPlaintext(scratch: scratch)
            wire.removeAll(keepingCapacity: true)
            client.takeCiphertext(appendingTo: &wire)
            server.receive(ciphertext: wire)
            _ = try server.readPlaintext(scratch: scratch)
            wire.removeAll(keepingCapacity: true)
            server.takeCiphertext(appendingTo: &wire)
            client.receive(ciphertext: wire)
        }
        _ = try client.readPlaintext(scratch: scratch)
        guard client.state == .established, server.state == .established else {
            throw ValidationError("the in-memory TLS handshake did not complete")
        }

        let request = [UInt8](repeating: 0x2A, count: requestBytes)
        let response = [UInt8](repeating: 0x15, count: responseBytes)
        // One message through the record layer, as a connection moves it.
        func deliver(_ plaintext: [UInt8], from sender: TLSSession, to receiver: TLSSession) throws {
            try sender.write(plaintext: plaintext)
            wire.removeAll(keepingCapacity: true)
            sender.takeCiphertext(appendingTo: &wire)
            receiver.receive(ciphertext: wire)
            let got = try receiver.readPlaintext(scratch: scratch)
            guard got.count == plaintext.count else { throw ValidationError("read \(got.count) of \(plaintext.count) bytes") }
        }
        func call() throws {
            try deliver(request, from: client, to: server)
            try deliver(response, from: server, to: client)
        }
        for _ in 0..<min(iterations, 20_000) { try call() }  // warm up
        var perRun: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations { try call() }
            perRun.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
        }
        perRun.sort()
        let median = perRun[perRun.count / 2]
        if json {
            print("{\"scenario\":\"tls\",\"protocol\":\"\(client.protocolVersion)\",\"request_bytes\":\(requestBytes),"
                + "\"response_bytes\":\(responseBytes),\"iterations\":\(iterations),\"ns_per_call\":\(Int(median.rounded())),"
                + "\"runs\":[\(perRun.map { String(Int($0.rounded())) }.joined(separator: ","))]}")
        } else {
            print("\(client.protocolVersion), \(requestBytes) B request, \(responseBytes) B response: median \(Int(median.rounded())) ns per call "
                + "(both sides) over \(runs) runs of \(iterations)")
        }
    }
}
