import Foundation
import TLS
import TestSupport
import Testing

/// Moves bytes between two sessions until both are quiet. Returns the first error on either side.
@discardableResult
func pump(_ client: TLSSession, _ server: TLSSession) -> (client: Error?, server: Error?) {
    var clientError: Error?
    var serverError: Error?
    for _ in 0..<20 {
        let c = client.takeCiphertext()
        if !c.isEmpty { server.receive(ciphertext: c) }
        do { _ = try server.readPlaintext() } catch { serverError = serverError ?? error }
        let s = server.takeCiphertext()
        if !s.isEmpty { client.receive(ciphertext: s) }
        do { _ = try client.readPlaintext() } catch { clientError = clientError ?? error }
        if c.isEmpty && s.isEmpty && client.pendingCiphertextCount == 0 && server.pendingCiphertextCount == 0 { break }
    }
    return (clientError, serverError)
}

@Suite("TLS sessions over memory buffers")
struct TLSSessionTests {
    let alpn = ["scheduler/1"]

    /// A client and a server session with the handshake done (TLS 1.3, ALPN agreed).
    func establishedPair(_ pki: TestPKI) throws -> (client: TLSSession, server: TLSSession) {
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        let client = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", alpnProtocols: alpn)))
        _ = try client.readPlaintext()
        let errors = pump(client, server)
        #expect(errors.client == nil && errors.server == nil)
        return (client, server)
    }

    @Test("TLS 1.3 handshake with ALPN, data both ways")
    func handshake() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        let client = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", alpnProtocols: alpn)))
        _ = try client.readPlaintext()  // starts the handshake
        let errors = pump(client, server)
        #expect(errors.client == nil && errors.server == nil)
        #expect(client.state == .established && server.state == .established)
        #expect(client.negotiatedProtocol == "scheduler/1")
        #expect(server.negotiatedProtocol == "scheduler/1")
        #expect(client.protocolVersion == "TLSv1.3")
        #expect(server.peerIdentity == nil)

        try client.write(plaintext: Array("hello server".utf8))
        server.receive(ciphertext: client.takeCiphertext())
        #expect(try server.readPlaintext() == Array("hello server".utf8))
        let big = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        try server.write(plaintext: big)
        client.receive(ciphertext: server.takeCiphertext())
        #expect(try client.readPlaintext() == big)

        client.close()
        server.receive(ciphertext: client.takeCiphertext())
        _ = try server.readPlaintext()
        #expect(server.state == .closed)
    }

    @Test("decrypting through a small reused scratch buffer, and ciphertext appended to an existing buffer")
    func scratchAndAppend() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let (client, server) = try establishedPair(pki)

        let big = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try client.write(plaintext: big)
        var wire: [UInt8] = [1, 2, 3]
        client.takeCiphertext(appendingTo: &wire)
        #expect(wire.count > 3 + big.count && wire.prefix(3) == [1, 2, 3])
        #expect(client.pendingCiphertextCount == 0)
        server.receive(ciphertext: Array(wire.dropFirst(3)))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
        defer { scratch.deallocate() }
        #expect(try server.readPlaintext(scratch: scratch) == big)
    }

    @Test("a session keeps its record buffers from record to record, and frees them on releaseBuffers()")
    func recordBuffers() throws {
        guard threadAllocationCounters() != nil else {
            Issue.record("jemalloc's per-thread counters are not available in this process (it links jemalloc through schedulerd)")
            return
        }
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let (client, server) = try establishedPair(pki)
        // As a connection moves a call: one scratch buffer to decrypt through, one for the wire.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 16_384, alignment: 16)
        defer { scratch.deallocate() }
        var wire: [UInt8] = []
        func deliver(_ count: Int, from sender: TLSSession, to receiver: TLSSession) throws {
            try sender.write(plaintext: [UInt8](repeating: 7, count: count))
            wire.removeAll(keepingCapacity: true)
            sender.takeCiphertext(appendingTo: &wire)
            receiver.receive(ciphertext: wire)
            #expect(try receiver.readPlaintext(scratch: scratch).count == count)
        }
        func roundTrip() throws {
            try deliver(40, from: client, to: server)
            try deliver(16, from: server, to: client)
        }
        try roundTrip()
        let before = threadAllocationCounters()!
        for _ in 0..<100 { try roundTrip() }
        let after = threadAllocationCounters()!
        // Buffers freed after every record (SSL_MODE_RELEASE_BUFFERS) would come back four at a
        // time, ~16.7 KiB each, on every round trip: 6.7 MB here.
        #expect(after.allocated - before.allocated < 100 * 16_384, "\(after.allocated - before.allocated) bytes allocated")

        let beforeRelease = threadAllocationCounters()!
        #expect(client.releaseBuffers() && server.releaseBuffers())
        let released = threadAllocationCounters()!.deallocated - beforeRelease.deallocated
        #expect(released >= 4 * 16_384, "\(released) bytes freed")  // each session's read and write buffers
        let again = threadAllocationCounters()!
        #expect(client.releaseBuffers())
        #expect(threadAllocationCounters()!.deallocated - again.deallocated < 1024)
        // The next records allocate them again.
        try roundTrip()
    }

    @Test("TLS 1.2 with a forward-secret AEAD suite")
    func tls12() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        var cfg = TLSConfiguration.client(trustRootsFile: pki.caFile, serverName: "127.0.0.1", alpnProtocols: alpn)
        cfg.maximumVersion = .tls12
        let client = try TLSSession(context: TLSContext(configuration: cfg))
        _ = try client.readPlaintext()
        let errors = pump(client, server)
        #expect(errors.client == nil && errors.server == nil)
        #expect(client.protocolVersion == "TLSv1.2")
    }

    @Test("a client offering another ALPN protocol is refused")
    func wrongALPN() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        let client = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", alpnProtocols: ["h2"])))
        _ = try client.readPlaintext()
        let errors = pump(client, server)
        #expect(errors.server != nil)
        #expect(errors.client != nil)
        #expect(server.state != .established)
    }

    @Test(
        "a client offering no ALPN at all is refused during the handshake with no_application_protocol",
        arguments: [TLSConfiguration.Version.tls13, .tls12])
    func noALPN(_ version: TLSConfiguration.Version) throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        var config = TLSConfiguration.client(trustRootsFile: pki.caFile, serverName: "localhost", alpnProtocols: [])
        config.maximumVersion = version
        let client = try TLSSession(context: TLSContext(configuration: config))
        _ = try client.readPlaintext()
        let errors = pump(client, server)
        // The client's own handshake fails (it used to complete, and the server hung up after it).
        let e = try #require(errors.client as? TLSError)
        #expect(e.description.contains("no application protocol"), "\(e)")
        #expect(client.state == .handshaking)
        #expect(errors.server != nil)
        #expect(server.state == .handshaking)
    }

    @Test("the server name is checked against the certificate")
    func hostnameCheck() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let server = try TLSSession(context: TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, alpnProtocols: alpn)))
        let client = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "evil.example", alpnProtocols: alpn)))
        _ = try client.readPlaintext()
        let errors = pump(client, server)
        let e = try #require(errors.client as? TLSError)
        #expect(e.description.contains("certificate verification"))
    }

    @Test("mutual TLS: identity with URI SAN; missing or foreign certificates are refused")
    func mutualTLS() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        let serverContext = try TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, clientCAFile: pki.caFile, alpnProtocols: alpn))

        let good = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", certificateChainFile: pki.clientCert, privateKeyFile: pki.clientKey, alpnProtocols: alpn)))
        let s1 = try TLSSession(context: serverContext)
        _ = try good.readPlaintext()
        let ok = pump(good, s1)
        #expect(ok.client == nil && ok.server == nil)
        let id = try #require(s1.peerIdentity)
        #expect(id.uris == ["spiffe://example.org/ns/prod/sa/publisher"])
        #expect(id.subject == "CN=worker-1")

        let anonymous = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", alpnProtocols: alpn)))
        let s2 = try TLSSession(context: serverContext)
        _ = try anonymous.readPlaintext()
        let refused = pump(anonymous, s2)
        #expect(refused.server != nil)
        #expect(s2.state != .established)

        let other = try CertificateAuthority.create(commonName: "Other CA")
        let foreign = try other.issue(commonName: "intruder", usage: .client)
        let fc = try pki.write("foreign.pem", foreign.certificatePEM)
        let fk = try pki.write("foreign.key", foreign.privateKeyPEM)
        let intruder = try TLSSession(context: TLSContext(configuration: .client(trustRootsFile: pki.caFile, serverName: "localhost", certificateChainFile: fc, privateKeyFile: fk, alpnProtocols: alpn)))
        let s3 = try TLSSession(context: serverContext)
        _ = try intruder.readPlaintext()
        let refused2 = pump(intruder, s3)
        #expect(refused2.server != nil)
        #expect(s3.state != .established)
    }

    @Test("requested client certificates: none or a foreign one still completes the handshake, but only a verified one gives an identity")
    func requestedClientCertificates() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        var config = TLSConfiguration.server(
            certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, clientCAFile: pki.caFile, alpnProtocols: alpn)
        config.clientCertificates = .requested
        let serverContext = try TLSContext(configuration: config)
        func handshake(certificate: String?, key: String?) throws -> TLSSession {
            let client = try TLSSession(context: TLSContext(configuration: .client(
                trustRootsFile: pki.caFile, serverName: "localhost", certificateChainFile: certificate, privateKeyFile: key,
                alpnProtocols: alpn)))
            let server = try TLSSession(context: serverContext)
            _ = try client.readPlaintext()
            let errors = pump(client, server)
            #expect(errors.client == nil && errors.server == nil)
            #expect(server.state == .established)
            return server
        }

        let verified = try handshake(certificate: pki.clientCert, key: pki.clientKey)
        #expect(verified.peerIdentity?.uris == ["spiffe://example.org/ns/prod/sa/publisher"])
        #expect(verified.peerCertificateProblem == nil)

        let anonymous = try handshake(certificate: nil, key: nil)
        #expect(anonymous.peerIdentity == nil)
        #expect(anonymous.peerCertificateProblem == nil)

        let other = try CertificateAuthority.create(commonName: "Other CA")
        let foreign = try other.issue(commonName: "intruder", usage: .client, uris: ["spiffe://example.org/ns/prod/sa/publisher"])
        let fc = try pki.write("foreign.pem", foreign.certificatePEM)
        let fk = try pki.write("foreign.key", foreign.privateKeyPEM)
        let intruder = try handshake(certificate: fc, key: fk)
        #expect(intruder.peerIdentity == nil)  // the same URI, but not vouched for by the CA
        #expect(intruder.peerCertificateProblem == "unable to verify the first certificate")
    }

    @Test("configuration errors are clear")
    func configurationErrors() throws {
        let pki = try TestPKI(clientURI: "spiffe://example.org/ns/prod/sa/publisher")
        defer { pki.cleanup() }
        #expect {
            try TLSContext(configuration: .server(certificateChainFile: pki.serverCert, privateKeyFile: pki.clientKey, alpnProtocols: alpn))
        } throws: { ($0 as? TLSError)?.description.contains("mismatch") == true }
        #expect {
            try TLSContext(configuration: .server(certificateChainFile: "/nonexistent.pem", privateKeyFile: pki.serverKey, alpnProtocols: alpn))
        } throws: { ($0 as? TLSError)?.operation.contains("load certificate chain") == true }
    }

    @Test("SHA-256 and random bytes")
    func crypto() {
        #expect(Crypto.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.randomBytes(32).count == 32)
        #expect(Crypto.randomBytes(16) != Crypto.randomBytes(16))
    }
}
