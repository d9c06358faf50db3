import Dispatch
import Foundation
import Logging
import ScheduleStore
import SchedulerServer
import SchedulingCore
import TLS
import TestSupport
import Transport

/// A real server in this process (TLS on an ephemeral loopback port, SQLite in a temp directory)
/// for driving the schedctl binary against.
final class CLIServer: @unchecked Sendable {
    // Set once in init, read afterwards.
    let dir: URL
    let store: ScheduleStore
    let server: RPCServer
    let caFile: String
    let token: String

    /// With `clock`, the store and the service run on it (a test can then let a lease run out
    /// without waiting); the system clock otherwise.
    init(clock: (any WallClock)? = nil) throws {
        let pki = try TestPKI(name: "cli")
        dir = pki.dir
        caFile = pki.caFile
        let cert = pki.serverCert
        let key = pki.serverKey
        let tokens = TokenStore(path: dir.appendingPathComponent("tokens.json").path)
        token = try tokens.create(projects: ["blog"], admin: false).token
        var config = StoreConfiguration(path: dir.appendingPathComponent("db.sqlite").path)
        if let clock { config.clock = clock }
        store = try ScheduleStore(configuration: config)
        var logger = Logger(label: "cli")
        logger.logLevel = .critical
        let service = SchedulerService(store: store, clock: clock ?? SystemClock(), isDraining: { false })
        server = try RPCServer(
            tls: .server(certificateChainFile: cert, privateKeyFile: key, alpnProtocols: []), methods: service.methods(),
            authenticator: Authenticator(tokens: tokens), loops: 1, logger: logger)
        try server.start(address: SocketAddress(host: "127.0.0.1", port: 0))
    }

    /// Connection flags for schedctl.
    /// A generous timeout: the machine may be busy with other suites' processes.
    var flags: [String] { ["--server", "\(server.localAddress!)", "--ca", caFile, "--token", token, "--timeout", "60"] }

    /// Runs schedctl with the connection flags appended, from the temp directory (no .scheduler/ there).
    /// The wait happens on a Dispatch thread: blocking the cooperative pool would starve the
    /// in-process server's handlers.
    func run(_ args: [String], environment: [String: String] = [:]) async throws -> CLI.Result {
        try await CLI.runAsync(args + flags, environment: environment, directory: dir)
    }

    /// Runs and decodes JSON output.
    func json(_ args: [String]) async throws -> [String: Any] {
        let r = try await run(args + ["--json"])
        guard r.status == 0, let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw CLIError(message: "schedctl \(args.joined(separator: " ")) → \(r.status): \(r.stderr)\(r.stdout)")
        }
        return o
    }

    struct CLIError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    func shutdown() async {
        await server.drain(timeoutMilliseconds: 2000)
        store.close()
        try? FileManager.default.removeItem(at: dir)
    }
}
