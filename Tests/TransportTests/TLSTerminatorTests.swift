import Foundation
import Synchronization
import TLS
import TestSupport
import Testing
@testable import Transport

/// A plain backend on 127.0.0.1 for one connection, on a thread of its own: it reads a line,
/// asks `lookup` about the connection's source address while the connection is open, answers
/// `"<identity or ->\n"` and closes.
final class OneShotBackend: Sendable {
    let port: Int
    private let fd: Int32
    private let done = DispatchSemaphore(value: 0)
    private let seen = Mutex<(source: SocketAddress?, peer: TLSTerminator.Peer?)>((nil, nil))

    init(lookup: @escaping @Sendable (SocketAddress) -> TLSTerminator.Peer?) throws {
        let listening = try SocketAddress(host: "127.0.0.1", port: 0).listeningSocket(nonBlocking: false, backlog: 4)
        fd = listening.fd
        port = listening.local.port
        Thread { [self] in
            defer { self.done.signal() }
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(self.fd, $0, &len) }
            }
            guard client >= 0 else { return }
            defer { close(client) }
            setReceiveTimeout(client, seconds: 5)
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while read(client, &byte, 1) == 1, byte != 0x0A { line.append(byte) }
            let source = SocketAddress(storage: storage)
            let peer = source.flatMap(lookup)
            self.seen.withLock { $0 = (source, peer) }
            let answer = Array("\(peer?.identity?.description ?? "-") \(String(decoding: line, as: UTF8.self))\n".utf8)
            _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }.start()
    }

    /// Waits for the one connection to end; returns its source address and what the lookup gave.
    func finish() -> (source: SocketAddress?, peer: TLSTerminator.Peer?) {
        done.wait()
        close(fd)
        return seen.withLock { $0 }
    }
}

/// The terminator, for the backend's lookups once it exists.
final class TerminatorBox: Sendable {
    let terminator = Mutex<TLSTerminator?>(nil)
}

@Suite("TLS terminator")
struct TLSTerminatorTests {
    @Test("forwards decrypted bytes to a plain backend, which can look up the TLS peer by its connection's source address")
    func forwardsAndRecordsThePeer() async throws {
        let pki = try TestPKI(name: "terminator", clientURI: "spiffe://test/alice")
        defer { pki.cleanup() }
        var config = TLSConfiguration.server(
            certificateChainFile: pki.serverCert, privateKeyFile: pki.serverKey, clientCAFile: pki.caFile, alpnProtocols: ["http/1.1"])
        config.requireALPN = false
        config.clientCertificates = .requested
        let terminatorBox = TerminatorBox()
        let backend = try OneShotBackend { source in terminatorBox.terminator.withLock { $0?.peer(connectedFrom: source) } }
        let terminator = try TLSTerminator(
            address: SocketAddress(host: "127.0.0.1", port: 0), backend: SocketAddress(host: "127.0.0.1", port: backend.port),
            context: TLSContext(configuration: config))
        defer { terminator.close() }
        terminatorBox.terminator.withLock { $0 = terminator }

        let client = try pki.clientContext(withCertificate: true, alpn: ["http/1.1"])
        let port = terminator.localAddress.port
        let result = try await ProcessGate.offPool { tlsExchange(port: port, context: client, request: Array("hello\n".utf8)) }
        #expect(result.error == nil)
        #expect(result.text == "spiffe://test/alice hello\n")
        let (source, peer) = backend.finish()
        let seenSource = try #require(source)
        #expect(seenSource.host == "127.0.0.1")
        #expect(peer?.remoteAddress?.host == "127.0.0.1")
        #expect(peer?.protocolVersion == "TLSv1.3")
        // The record goes before the backend connection's socket closes (the client saw the close after it).
        #expect(terminator.peer(connectedFrom: seenSource) == nil)
        // Another connection's source address has no record.
        #expect(terminator.peer(connectedFrom: SocketAddress(host: "127.0.0.1", port: seenSource.port == 1 ? 2 : 1)) == nil)
    }
}
