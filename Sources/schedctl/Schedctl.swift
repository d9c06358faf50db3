import ArgumentParser
import Foundation

/// `schedctl`: the scheduler's command-line tool.
///
/// The connection and output options (``ConnectionOptions``) are global, as in kubectl and docker:
/// they may come before the subcommand (`schedctl --server H:P list --project blog`) or after it;
/// given twice, the later one wins. Offline commands use `--json` and ignore the others.
///
/// Exit codes: 0 success, 1 the call returned an error status, 2 bad arguments.
@main
struct Schedctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedctl",
        abstract: "Schedule content for publishing, and inspect time zones and recurrence rules.",
        usage: """
            schedctl [<connection options>] <subcommand> [<options>] [<connection options>]
            """,
        discussion: """
            Offline commands (no server needed): preview, tz.

            Online commands reach the server given by --server, --ca, --cert, --key and --token, or by the SCHEDULER_* environment variables; without them, the dev server on 127.0.0.1:7443 with the credentials in ./.scheduler/.

            The connection options below may come before or after the subcommand, as in kubectl and docker: schedctl --server 127.0.0.1:9443 list --project blog. Given twice, the later one wins. Offline commands take --json and ignore the others.

            Exit codes: 0 ok, 1 the call returned an error status, 2 bad arguments.
            """,
        subcommands: [
            Enqueue.self, EnqueueBatch.self, Get.self, List.self, Update.self, Cancel.self, Pause.self, Resume.self, Batch.self,
            Dequeue.self, Start.self, Heartbeat.self, Complete.self, Fail.self, PublishNow.self, ConfirmOutcome.self, Reschedule.self,
            Validate.self, Stats.self, Conflicts.self, Alerts.self, Health.self, CalendarView.self, Preview.self, TZ.self,
        ]
    )

    /// The connection and output options, parsed wherever they stand; every subcommand's
    /// `@OptionGroup var connection: ConnectionOptions` (or `OutputOptions`) receives this value.
    @OptionGroup(title: "Connection options (before or after the subcommand)") var connection: ConnectionOptions

    /// Parses and runs, mapping every failure to one line on stderr and the documented exit code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let error as CommandFailure {
            FileHandle.standardError.write(Data("schedctl: \(Render.terminalSafe(error.message))\n".utf8))
            Foundation.exit(error.exitCode)
        } catch {
            // Help and version requests are not failures.
            if exitCode(for: error) == .success {
                exit(withError: error)
            }
            let message = self.message(for: error)
                .split(separator: "\n").first.map(String.init) ?? "bad arguments"
            FileHandle.standardError.write(Data("schedctl: \(Render.terminalSafe(message))\n".utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure with its exit code: 2 for bad arguments, 1 for an error status from the service.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32

    /// A bad argument: names the option and says what is wrong.
    static func badArgument(_ option: String, _ problem: String) -> CommandFailure {
        CommandFailure(message: "\(option): \(problem)", exitCode: 2)
    }
}
