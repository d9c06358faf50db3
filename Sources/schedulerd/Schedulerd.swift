import ArgumentParser
import Foundation
import SchedulerServer

/// `schedulerd`: the scheduler server and its administration commands.
@main
struct Schedulerd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedulerd",
        abstract: "The content-publishing scheduler server.",
        discussion: """
            With no certificate configured, `schedulerd` (or `schedulerd serve`) runs in dev mode: it creates ./.scheduler/ with a database, a throwaway CA, certificates for localhost and an admin token.

            Every serve flag can also be set through the environment (SCHEDULER_LISTEN, SCHEDULER_DB, …).
            """,
        subcommands: [Serve.self, Token.self, HealthCheck.self],
        defaultSubcommand: Serve.self
    )
}

/// Reads a setting: the flag if given, else the environment variable, else the default.
func setting(_ flag: String?, _ env: String, default value: String? = nil) -> String? {
    if let flag { return flag }
    if let v = ProcessInfo.processInfo.environment[env], !v.isEmpty { return v }
    return value
}

/// Fails with one line on stderr and exit code 2 (bad arguments) or 1 (the operation failed).
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("schedulerd: \(message)\n".utf8))
    exit(code)
}
