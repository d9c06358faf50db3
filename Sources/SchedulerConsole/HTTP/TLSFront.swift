import Synchronization
import TLS
import Transport

/// The console's own HTTPS: a ``TLSTerminator`` on the public address in front of the HTTP server,
/// which listens on a private loopback port and serves only the terminator's connections.
///
/// The terminator starts once the HTTP server listens (its port is the terminator's backend) and
/// stops with it; ``waitForAddress()`` waits for one or the other.
final class TLSFront: Sendable {
    /// How the front knows one forwarded connection, in the console's terms.
    struct Peer: Sendable {
        /// The browser's address (host only).
        var remoteAddress: String
        /// The browser's client certificate, when it presented one.
        var clientCertificate: ClientCertificate?
    }

    private enum State {
        case waiting([CheckedContinuation<String, any Error>])
        case running(TLSTerminator)
        case failed(any Error)
        case stopped
    }

    let address: SocketAddress
    private let context: TLSContext
    private let limits: TLSTerminator.Limits
    private let state = Mutex(State.waiting([]))

    /// A front for `address`; the TLS context is built here, so a bad certificate, key or CA file
    /// fails at once.
    init(address: SocketAddress, configuration: ConsoleTLSConfiguration) throws {
        self.address = address
        var tls = TLSConfiguration.server(
            certificateChainFile: configuration.certificateChainFile, privateKeyFile: configuration.privateKeyFile,
            clientCAFile: configuration.clientCAFile, alpnProtocols: ["http/1.1"])
        // Browsers offer ALPN, but a client that offers none speaks HTTP/1.1 too.
        tls.requireALPN = false
        tls.clientCertificates = .requested
        context = try TLSContext(configuration: tls)
        limits = configuration.limits
    }

    /// Starts the terminator in front of the HTTP server's loopback `backendPort`.
    func start(backendPort: Int) throws {
        do {
            let terminator = try TLSTerminator(
                address: address, backend: SocketAddress(host: "127.0.0.1", port: backendPort), context: context,
                limits: limits)
            let waiters = state.withLock { s -> [CheckedContinuation<String, any Error>] in
                guard case .waiting(let w) = s else { return [] }
                s = .running(terminator)
                return w
            }
            for w in waiters { w.resume(returning: "\(terminator.localAddress)") }
        } catch {
            let waiters = state.withLock { s -> [CheckedContinuation<String, any Error>] in
                guard case .waiting(let w) = s else { return [] }
                s = .failed(error)
                return w
            }
            for w in waiters { w.resume(throwing: error) }
            throw error
        }
    }

    /// Stops the terminator: no more connections, open ones closed.
    func stop() {
        let (terminator, waiters) = state.withLock { s -> (TLSTerminator?, [CheckedContinuation<String, any Error>]) in
            let previous = s
            s = .stopped
            switch previous {
            case .running(let t): return (t, [])
            case .waiting(let w): return (nil, w)
            case .failed, .stopped: return (nil, [])
            }
        }
        for w in waiters { w.resume(throwing: CancellationError()) }
        terminator?.close()
    }

    /// The terminator's `HOST:PORT` once it listens.
    func waitForAddress() async throws -> String {
        try await withCheckedThrowingContinuation { c in
            let now = state.withLock { s -> Result<String, any Error>? in
                switch s {
                case .waiting(var w):
                    w.append(c)
                    s = .waiting(w)
                    return nil
                case .running(let t): return .success("\(t.localAddress)")
                case .failed(let e): return .failure(e)
                case .stopped: return .failure(CancellationError())
                }
            }
            if let now { c.resume(with: now) }
        }
    }

    /// The backend's loopback address, while the terminator runs.
    var backendAddress: String? {
        state.withLock { s in
            if case .running(let t) = s { return "\(t.backend)" }
            return nil
        }
    }

    /// The browser behind the HTTP server's connection from `host:port`, when the terminator made
    /// that connection; nil for any other.
    func peer(host: String, port: Int) -> Peer? {
        let terminator = state.withLock { s -> TLSTerminator? in
            if case .running(let t) = s { return t }
            return nil
        }
        guard let p = terminator?.peer(connectedFrom: SocketAddress(host: host, port: port)) else { return nil }
        var certificate: ClientCertificate?
        if let identity = p.identity {
            certificate = .verified(identities: identity.uris + [identity.subject])
        } else if let problem = p.certificateProblem {
            certificate = .unverified(reason: problem)
        }
        return Peer(remoteAddress: p.remoteAddress?.host ?? "", clientCertificate: certificate)
    }
}
