import ArgumentParser
import Foundation
import Logging
import SchedulerClient
import SchedulerCommandLine
import SchedulerConsole
import SchedulingCore

/// `scheduler-console`: the web console, an HTTP server that talks to schedulerd only through
/// `SchedulerClient`, like any other client (docs/CONSOLE.md).
@main
struct SchedulerConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler-console",
        abstract: "Serve the scheduler's web console (calendar, queue dashboard, schedules) over HTTP or HTTPS.",
        discussion: """
            It reaches schedulerd with the same connection options as schedctl (flags, SCHEDULER_* environment, \
            or the dev server's ./.scheduler/). Each browser signs in with its own bearer token, and every call carries it.

            Listening on a loopback address with the dev admin token in ./.scheduler/admin.token, it signs browsers in \
            with that token automatically (dev mode; --no-auto-sign-in turns it off). A token given by --token or \
            SCHEDULER_TOKEN is not used for browsers: they sign in with their own.

            With --tls-cert and --tls-key it serves HTTPS itself (cookies are then Secure). --client-ca asks browsers for a \
            client certificate, and --certificate-tokens maps a verified certificate's identity to its owner's token file, \
            so that person can sign in with the certificate.
            """
    )

    @Option(help: "HOST:PORT to serve HTTP (or HTTPS with --tls-cert) on (an IP literal; default 127.0.0.1:7480).") var listen = "127.0.0.1:7480"
    @Option(help: "The project the home page opens (default: ask).") var project: String?
    @Option(help: "The calendar's time zone when the viewer chose none (IANA name; default UTC).") var tz = "UTC"
    @Flag(help: "Mark the session cookie Secure (the console is reached over HTTPS through a TLS-terminating proxy).")
    var secureCookies = false
    @Flag(help: "Do not sign browsers in with the dev admin token, even on loopback.") var noAutoSignIn = false
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"
    @OptionGroup(title: "HTTPS") var tls: ConsoleTLSOptions
    @OptionGroup(title: "Connection to schedulerd") var connection: ClientConnectionOptions

    func run() async throws {
        // Logs on stderr; the URL line on stdout, written unbuffered so a script reading it sees it at once.
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "scheduler.console")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        guard let (host, port) = Self.hostPort(listen) else {
            throw ValidationError("--listen: \"\(listen)\": expected HOST:PORT with an IP address, e.g. 127.0.0.1:7480")
        }
        guard TimeZoneDatabase.system.isValid(tz) else { throw ValidationError("--tz: \"\(tz)\" is not a known time zone") }
        let resolved: ClientConnectionOptions.Resolved
        do {
            resolved = try connection.resolve()
        } catch {
            throw ValidationError(error.description)
        }
        let https: ConsoleTLSOptions.Resolved?
        do {
            https = try tls.resolve()
        } catch {
            throw ValidationError(error.description)
        }
        var clientConfig = resolved.configuration
        let token = clientConfig.token
        clientConfig.token = nil  // every call carries the signed-in browser's token instead
        var config = ConsoleConfiguration()
        config.secureCookies = secureCookies
        config.defaultProject = project
        config.defaultTimeZone = tz
        config.certificateTokens = CertificateTokens(https?.certificateTokens ?? [:])
        let loopback = host == "::1" || host.hasPrefix("127.")
        if resolved.tokenSource == .devDirectory, loopback, !noAutoSignIn {
            config.autoSignInToken = token
        }
        let client: SchedulerClient
        do {
            client = try SchedulerClient(configuration: clientConfig)
        } catch {
            throw ValidationError("--server/--ca/--cert/--key: \(error)")
        }
        let console = Console(client: client, configuration: config, logger: logger)
        let server: ConsoleHTTPServer
        do {
            let serverTLS = https.map {
                ConsoleTLSConfiguration(certificateChainFile: $0.certificateFile, privateKeyFile: $0.keyFile, clientCAFile: $0.clientCAFile)
            }
            server = try ConsoleHTTPServer(console: console, host: host, port: port, tls: serverTLS, logger: logger)
        } catch {
            throw ValidationError("--tls-cert/--tls-key/--client-ca: \(error)")
        }
        let scheme = https == nil ? "http" : "https"
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.run() }
            let address = try await server.waitUntilListening()
            logger.notice(
                "scheduler console on \(scheme)://\(address)/ → schedulerd \(clientConfig.address)",
                metadata: [
                    "console.auto_sign_in": "\(config.autoSignInToken != nil)",
                    "console.client_certificates": "\(https?.clientCAFile != nil)",
                    "console.certificate_identities": "\(config.certificateTokens.identities.count)",
                ])
            FileHandle.standardOutput.write(Data("scheduler console: \(scheme)://\(address)/\n".utf8))
            if !loopback, https == nil {
                logger.warning(
                    "listening on a non-loopback address over plain HTTP: pass --tls-cert and --tls-key, or put a TLS-terminating proxy in front and pass --secure-cookies")
            }
        }
        await client.close()
    }

    /// `127.0.0.1:7480` or `[::1]:7480` → host and port.
    static func hostPort(_ text: String) -> (String, UInt16)? {
        let host: Substring, port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            port = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard let p = UInt16(port), !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) else { return nil }
        return (String(host), p)
    }
}
