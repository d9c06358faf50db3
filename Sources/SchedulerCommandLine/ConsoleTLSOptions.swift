import ArgumentParser
import Foundation

/// `scheduler-console`'s own HTTPS: `--tls-cert --tls-key [--client-ca [--certificate-tokens]]`,
/// each also from the environment (`SCHEDULER_CONSOLE_TLS_CERT`, `SCHEDULER_CONSOLE_TLS_KEY`,
/// `SCHEDULER_CONSOLE_CLIENT_CA`, `SCHEDULER_CONSOLE_CERTIFICATE_TOKENS`); flags win.
///
/// `--certificate-tokens FILE` is a JSON object mapping a client-certificate identity (a URI SAN or
/// an RFC 2253 subject, as schedulerd's config names identities) to the path of a file holding that
/// person's bearer token (relative paths from the map's directory). The map and every token file
/// must exist and be closed to group and others (mode 0600 or 0400): a token readable by others is
/// a token anyone on the machine can use. Executables only: this reads the environment and files.
public struct ConsoleTLSOptions: ParsableArguments {
    /// `--tls-cert FILE`.
    @Option(help: "Serve HTTPS with this certificate chain, PEM (env SCHEDULER_CONSOLE_TLS_CERT; needs --tls-key).")
    public var tlsCert: String?
    /// `--tls-key FILE`.
    @Option(help: "The private key of --tls-cert, PEM (env SCHEDULER_CONSOLE_TLS_KEY).") public var tlsKey: String?
    /// `--client-ca FILE`.
    @Option(
        help:
            "Ask browsers for a client certificate and verify it against this CA, PEM (env SCHEDULER_CONSOLE_CLIENT_CA; needs HTTPS)."
    )
    public var clientCa: String?
    /// `--certificate-tokens FILE`.
    @Option(
        help: """
            JSON {"<certificate identity>": "<token file>"}: a browser with that verified certificate may sign in as \
            that token (env SCHEDULER_CONSOLE_CERTIFICATE_TOKENS; needs --client-ca; files mode 0600).
            """)
    public var certificateTokens: String?

    /// Options as parsed (ArgumentParser's requirement).
    public init() {}

    /// The files to serve HTTPS with and the tokens read for certificate sign-in.
    public struct Resolved: Sendable {
        /// The certificate chain file.
        public var certificateFile: String
        /// The private key file.
        public var keyFile: String
        /// The client CA file, when browsers are asked for certificates.
        public var clientCAFile: String?
        /// Identity → bearer token (read from the token files).
        public var certificateTokens: [String: String]
    }

    /// Resolves flags, then `environment`, and reads the certificate-token map and its token
    /// files. Nil when HTTPS is not asked for.
    ///
    /// - Throws: ``ClientConnectionOptions/Problem`` naming the option: a key without a
    ///   certificate, a CA without HTTPS, a map without a CA, a missing or unreadable file, a map
    ///   or token file open to group or others, a malformed map, an empty token file. A problem
    ///   never quotes a token.
    public func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ClientConnectionOptions.Problem) -> Resolved? {
        typealias Problem = ClientConnectionOptions.Problem
        func env(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        let cert = tlsCert ?? env("SCHEDULER_CONSOLE_TLS_CERT")
        let key = tlsKey ?? env("SCHEDULER_CONSOLE_TLS_KEY")
        let ca = clientCa ?? env("SCHEDULER_CONSOLE_CLIENT_CA")
        let map = certificateTokens ?? env("SCHEDULER_CONSOLE_CERTIFICATE_TOKENS")
        guard let cert, let key else {
            if cert != nil || key != nil {
                throw Problem(option: "--tls-cert/--tls-key", problem: "give both or neither")
            }
            if ca != nil { throw Problem(option: "--client-ca", problem: "needs HTTPS (--tls-cert and --tls-key)") }
            if map != nil { throw Problem(option: "--certificate-tokens", problem: "needs HTTPS and --client-ca") }
            return nil
        }
        if map != nil, ca == nil {
            throw Problem(
                option: "--certificate-tokens", problem: "needs --client-ca (the CA that vouches for the certificates)")
        }
        var tokens: [String: String] = [:]
        if let map {
            let text = try Self.readPrivateFile(map, option: "--certificate-tokens")
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let paths = object?.compactMapValues { $0 as? String } ?? [:]
            guard let object, paths.count == object.count else {
                throw Problem(
                    option: "--certificate-tokens",
                    problem: "\(map): expected a JSON object {\"<certificate identity>\": \"<token file>\", …}")
            }
            let base = URL(fileURLWithPath: map).deletingLastPathComponent()
            for (identity, path) in paths.sorted(by: { $0.key < $1.key }) {
                guard !identity.isEmpty else {
                    throw Problem(option: "--certificate-tokens", problem: "\(map): an empty identity")
                }
                let file = path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
                let token = try Self.readPrivateFile(file, option: "--certificate-tokens (\(identity))")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty else {
                    throw Problem(option: "--certificate-tokens (\(identity))", problem: "\(file) holds no token")
                }
                tokens[identity] = token
            }
        }
        return Resolved(certificateFile: cert, keyFile: key, clientCAFile: ca, certificateTokens: tokens)
    }

    /// The text of `path`, which must be a regular file closed to group and others.
    static func readPrivateFile(_ path: String, option: String) throws(ClientConnectionOptions.Problem) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .init(option: option, problem: "\(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .init(option: option, problem: "\(path) is not a regular file")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw .init(
                option: option,
                problem:
                    "\(path) is open to group or others (mode \(String(mode, radix: 8))): chmod 600 it, it holds or names secrets"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .init(option: option, problem: "\(path): cannot read it")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
