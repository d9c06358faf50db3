import ArgumentParser
import Foundation
import SchedulerClient

/// The connection options every command-line client of schedulerd takes (`schedctl`,
/// `scheduler-console`): `--server --ca --cert --key --token --timeout`, then the
/// `SCHEDULER_SERVER/CA/CERT/KEY/TOKEN` environment variables, then the dev mode's `./.scheduler/`
/// (CA, client certificate, admin token) and `127.0.0.1:7443`.
///
/// Executables only: this reads flags, the environment and files, which libraries never do.
public struct ClientConnectionOptions: ParsableArguments {
    /// `--server HOST:PORT`.
    @Option(help: "Server HOST:PORT (env SCHEDULER_SERVER; default 127.0.0.1:7443).") public var server: String?
    /// `--ca FILE`.
    @Option(help: "CA certificate, PEM (env SCHEDULER_CA; default .scheduler/ca.pem when present).") public var ca: String?
    /// `--cert FILE`.
    @Option(help: "Client certificate for mutual TLS (env SCHEDULER_CERT).") public var cert: String?
    /// `--key FILE`.
    @Option(help: "Client key for mutual TLS (env SCHEDULER_KEY).") public var key: String?
    /// `--token TOKEN`.
    @Option(help: "Bearer token (env SCHEDULER_TOKEN; default .scheduler/admin.token when present and no --cert is given; \"\" sends none).")
    public var token: String?
    /// `--timeout SECONDS`.
    @Option(help: "Call deadline in seconds, connecting included (0.001…3600).") public var timeout: Double = 10

    /// The directory dev mode creates and the defaults come from, relative to the working directory.
    public static let devDirectory = ".scheduler"

    /// Options as parsed (ArgumentParser's requirement).
    public init() {}

    /// Where the resolved token came from.
    public enum TokenSource: Sendable, Hashable {
        /// No token: none given, or `--token ""`.
        case none
        /// `--token`.
        case flag
        /// `SCHEDULER_TOKEN`.
        case environment
        /// The dev mode's `./.scheduler/admin.token`.
        case devDirectory
    }

    /// A client configuration and where its token came from.
    public struct Resolved: Sendable {
        /// The configuration for ``SchedulerClient``.
        public var configuration: SchedulerClientConfiguration
        /// Where ``SchedulerClientConfiguration/token`` came from.
        public var tokenSource: TokenSource
    }

    /// Why the options cannot make a configuration: the option's name and the problem.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The option, e.g. `--timeout` or `--cert/--key`.
        public var option: String
        /// What is wrong with it.
        public var problem: String
        /// `option: problem`.
        public var description: String { "\(option): \(problem)" }
    }

    /// Resolves flags, then `environment`, then the files in ``devDirectory`` (checked with
    /// `fileExists`, read with `readFile`).
    public func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) },
        readFile: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) throws(Problem) -> Resolved {
        guard timeout >= 0.001, timeout <= 3600 else { throw Problem(option: "--timeout", problem: "must be 0.001…3600 seconds") }
        func env(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        func devFile(_ name: String) -> String? {
            let path = Self.devDirectory + "/" + name
            return fileExists(path) ? path : nil
        }
        var config = SchedulerClientConfiguration()
        config.address = server ?? env("SCHEDULER_SERVER") ?? "127.0.0.1:7443"
        config.caFile = ca ?? env("SCHEDULER_CA") ?? devFile("ca.pem")
        config.certificateFile = cert ?? env("SCHEDULER_CERT") ?? (key == nil && env("SCHEDULER_KEY") == nil ? devFile("client.pem") : nil)
        config.keyFile = key ?? env("SCHEDULER_KEY") ?? (cert == nil && env("SCHEDULER_CERT") == nil ? devFile("client.key") : nil)
        if (config.certificateFile == nil) != (config.keyFile == nil) {
            throw Problem(option: "--cert/--key", problem: "give both or neither")
        }
        // The dev admin token only when the caller brought no credentials of its own: a client
        // certificate given by flag or environment is the identity, and `--token ""` sends none.
        let ownCertificate = cert != nil || env("SCHEDULER_CERT") != nil
        var tokenValue: String?
        var source = TokenSource.none
        if let token {
            (tokenValue, source) = (token, .flag)
        } else if let t = env("SCHEDULER_TOKEN") {
            (tokenValue, source) = (t, .environment)
        } else if !ownCertificate, let file = devFile("admin.token"),
            let t = readFile(file)?.trimmingCharacters(in: .whitespacesAndNewlines)
        {
            (tokenValue, source) = (t, .devDirectory)
        }
        if tokenValue?.isEmpty == true { (tokenValue, source) = (nil, .none) }
        config.token = tokenValue
        config.defaultTimeout = .milliseconds(Int64(timeout * 1000))
        return Resolved(configuration: config, tokenSource: source)
    }
}
