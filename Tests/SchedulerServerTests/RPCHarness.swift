import Foundation
import Logging
import SchedulerClient
import SchedulerServer
import SchedulingCore
import Synchronization
import TLS
import TestSupport
import Transport
import WireProtocol

/// Certificates, a token file and an RPC server on an ephemeral loopback port, made per test.
final class RPCHarness: @unchecked Sendable {
    // Set once in init and only read afterwards.
    let dir: URL
    let ca: CertificateAuthority
    let caFile, serverCert, serverKey, clientCert, clientKey: String
    let tokens: TokenStore
    let server: RPCServer
    let clientLoop: EventLoop
    let adminToken: String
    let blogToken: String

    init(
        methods: [String: MethodHandler], limits: ServerLimits = ServerLimits(), mutualTLS: Bool = false,
        identities: [IdentityMapping] = [], clock: any WallClock = SystemClock(), metrics: ServerMetrics = ServerMetrics()
    ) throws {
        let pki = try TestPKI(name: "rpc")
        dir = pki.dir
        ca = pki.ca
        caFile = pki.caFile
        serverCert = pki.serverCert
        serverKey = pki.serverKey
        clientCert = pki.clientCert
        clientKey = pki.clientKey
        tokens = TokenStore(path: dir.appendingPathComponent("tokens.json").path)
        adminToken = try tokens.create(projects: [], admin: true).token
        blogToken = try tokens.create(projects: ["blog"], admin: false).token
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = try RPCServer(
            tls: .server(certificateChainFile: serverCert, privateKeyFile: serverKey, clientCAFile: mutualTLS ? caFile : nil, alpnProtocols: []),
            methods: methods, authenticator: Authenticator(tokens: tokens, identities: identities), limits: limits, loops: 2,
            clock: clock, metrics: metrics, logger: logger)
        try server.start(address: SocketAddress(host: "127.0.0.1", port: 0))
        clientLoop = try EventLoop(name: "client")
        clientLoop.start()
    }

    var address: SocketAddress { server.localAddress! }

    func channel(withCertificate: Bool = false) async throws -> RPCChannel {
        try await RPCChannel.connect(
            to: address,
            tls: .client(
                trustRootsFile: caFile, serverName: "127.0.0.1", certificateChainFile: withCertificate ? clientCert : nil,
                privateKeyFile: withCertificate ? clientKey : nil, alpnProtocols: []),
            loop: clientLoop)
    }

    func shutdown() async {
        await server.drain(timeoutMilliseconds: 2000)
        clientLoop.shutdown()
        try? FileManager.default.removeItem(at: dir)
    }
}

extension Array where Element == MetadataEntry {
    static func bearer(_ token: String) -> [MetadataEntry] { [MetadataEntry(key: "authorization", value: "Bearer \(token)")] }
}

/// A ping message reused as a tiny payload: `Frame.Ping` is a WireMessage with one integer.
func payload(_ n: UInt64) -> [UInt8] { Frame.Ping(nonce: n).serializedBytes() }
func number(_ r: Frame.Response) throws -> UInt64 { try r.result(as: Frame.Ping.self).nonce }

/// Test methods: Echo (auth), Slow (sleeps until cancelled or its sleep ends), Health (no auth),
/// Project (requires access to project "blog").
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

func testMethods(started: Counter? = nil) -> [String: MethodHandler] {
    [
        "test.v1.T/Echo": MethodHandler { _, bytes in Frame.Response(payload: bytes) },
        "test.v1.T/Health": MethodHandler(requiresAuthentication: false) { _, bytes in Frame.Response(payload: bytes) },
        "test.v1.T/Project": MethodHandler { ctx, bytes in
            try ctx.authorize(project: "blog")
            return Frame.Response(payload: bytes)
        },
        "test.v1.T/Slow": MethodHandler { ctx, bytes in
            started?.value.add(1, ordering: .relaxed)
            let ms = (try? Frame.Ping(serializedBytes: bytes).nonce) ?? 1000
            do {
                try await Task.sleep(for: .milliseconds(Int(ms)))
            } catch {
                throw RPCError(code: .cancelled, message: "handler cancelled")
            }
            return Frame.Response(payload: bytes)
        },
    ]
}
