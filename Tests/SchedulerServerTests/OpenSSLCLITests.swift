import Foundation
import TestSupport
import Testing

/// Runs `openssl s_client` (an independent TLS implementation's client) against the server.
func sClient(port: Int, _ args: [String]) async throws -> (status: Int32, output: String) {
    try await ProcessGate.offPool { try sClientBlocking(port: port, args) }
}

private func sClientBlocking(port: Int, _ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    p.arguments = ["s_client", "-connect", "127.0.0.1:\(port)"] + args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try ProcessGate.run(p)
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite(
    "openssl s_client against the server",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "the openssl CLI is not installed (scripts/install-deps installs it)")
)
struct OpenSSLCLITests {
    @Test("TLS 1.3 with ALPN scheduler/1 completes; TLS 1.1, another ALPN id and a non-forward-secret suite are refused")
    func handshakes() async throws {
        let h = try RPCHarness(methods: testMethods())
        let port = h.address.port
        let ok = try await sClient(port: port, ["-alpn", "scheduler/1", "-tls1_3", "-CAfile", h.caFile])
        #expect(ok.output.contains("TLSv1.3"))
        #expect(ok.output.contains("ALPN protocol: scheduler/1"))
        #expect(ok.output.contains("Verify return code: 0 (ok)"))
        let old = try await sClient(port: port, ["-alpn", "scheduler/1", "-tls1_1"])
        #expect(old.status != 0)
        #expect(old.output.contains("Cipher is (NONE)"))
        let wrongALPN = try await sClient(port: port, ["-alpn", "h2", "-tls1_3", "-CAfile", h.caFile])
        #expect(wrongALPN.output.contains("no application protocol"))
        let weak = try await sClient(port: port, ["-alpn", "scheduler/1", "-tls1_2", "-cipher", "AES128-SHA"])
        #expect(weak.output.contains("Cipher is (NONE)"))
        let tls12 = try await sClient(port: port, ["-alpn", "scheduler/1", "-tls1_2", "-CAfile", h.caFile])
        #expect(tls12.output.contains("ECDHE"))
        await h.shutdown()
    }

    @Test("a client offering no ALPN is refused during the handshake with no_application_protocol, on TLS 1.3 and 1.2")
    func noALPN() async throws {
        let h = try RPCHarness(methods: testMethods())
        let port = h.address.port
        for version in ["-tls1_3", "-tls1_2"] {
            let r = try await sClient(port: port, [version, "-CAfile", h.caFile])
            // It used to complete ("Verify return code: 0 (ok)") and then read a bare EOF.
            #expect(r.status != 0, "\(version): \(r.output)")
            #expect(r.output.contains("no application protocol"), "\(version): \(r.output)")
            #expect(r.output.contains("Cipher is (NONE)"), "\(version): \(r.output)")
        }
        await h.shutdown()
    }
}
