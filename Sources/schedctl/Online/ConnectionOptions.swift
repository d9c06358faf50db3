import ArgumentParser
import Foundation
import SchedulerClient
import SchedulerCommandLine
import SchedulingCore
import WireProtocol

/// `--server --ca --cert --key --token`, then SCHEDULER_SERVER/CA/CERT/KEY/TOKEN, then the dev
/// mode's ./.scheduler/ (CA, client certificate, admin token) and 127.0.0.1:7443; `--timeout` and
/// `--json` (``OutputOptions``).
///
/// Global: ``Schedctl`` declares this group too, and ArgumentParser parses a root command's options
/// wherever they stand, before or after the subcommand's name, handing the parsed value to each
/// subcommand's `@OptionGroup` of the same type. Given more than once, the last one wins (as any
/// repeated option): `schedctl --server A list --server B` talks to B.
struct ConnectionOptions: ParsableArguments {
    /// `--server --ca --cert --key --token --timeout`, resolved as every client executable does.
    @OptionGroup var client: ClientConnectionOptions
    @OptionGroup var outputOptions: OutputOptions

    /// `--json`.
    var json: Bool { outputOptions.json }

    func makeClient() throws -> SchedulerClient {
        let config: SchedulerClientConfiguration
        do {
            config = try client.resolve().configuration
        } catch {
            throw CommandFailure.badArgument(error.option, error.problem)
        }
        do {
            return try SchedulerClient(configuration: config)
        } catch let e as SchedulerError {
            throw CommandFailure.badArgument("--server", e.message)
        } catch {
            throw CommandFailure.badArgument("--ca/--cert/--key", "\(error)")
        }
    }

    /// Prints JSON or text.
    func output(_ json: @autoclosure () -> JSON, _ text: @autoclosure () -> String) {
        outputOptions.output(json(), text())
    }
}

/// `--json`, shared by every command that prints: global like ``ConnectionOptions`` (the root
/// declares it through that group), so `schedctl --json tz list` works too.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print JSON.") var json = false

    /// Prints JSON or text.
    func output(_ json: @autoclosure () -> JSON, _ text: @autoclosure () -> String) {
        print(self.json ? json().text : Render.terminalSafe(text()))
    }
}

/// Runs an RPC, turning an error status into exit code 1 with "CODE: message" on stderr.
func rpc<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let e as SchedulerError {
        var message = "\(e.code.name): \(e.message)"
        if !e.conflicts.isEmpty {
            message += " (" + e.conflicts.map { "\(Render.name($0.severity, prefix: "CONFLICT_SEVERITY_")) \(Render.name($0.type, prefix: "CONFLICT_TYPE_")): \($0.reason)" }.joined(separator: "; ") + ")"
        }
        throw CommandFailure(message: message, exitCode: 1)
    }
}

/// Which end of a time range an option bounds.
enum BoundSide { case lower, upper }

/// Reads a UTC instant option that bounds a range (list --from/--to, enqueue --until) into
/// Unix milliseconds for the wire; 0 when absent (the wire's "open").
///
/// The service stores times in years 1900–9999 only, so a bound past the range on its open side
/// (--from before 1900, --to after 9999) is sent as the range's end, which selects the same
/// schedules; one past it on the other side could select nothing and is refused. As 0 ms means
/// "open" on the wire, a bound of exactly 1970-01-01T00:00:00.000Z is sent 1 ms wider (-1 for a
/// lower bound, 1 for an upper one): the same schedules, unless one is due within that millisecond.
func millis(_ text: String?, option: String, side: BoundSide) throws -> Int64 {
    guard let text else { return 0 }
    let t = try Arg.instant(text, option: option)
    let range = Instant.supportedRange
    switch side {
    case .lower where t > range.upperBound, .upper where t < range.lowerBound:
        throw CommandFailure.badArgument(option, "\(text) is outside the supported range (years 1900–9999)")
    default:
        return wireBound(min(max(t, range.lowerBound), range.upperBound), side: side)
    }
}

/// `t` as a range bound on the wire, where 0 means "open": the epoch itself goes 1 ms wider.
func wireBound(_ t: Instant, side: BoundSide) -> Int64 {
    t.unixMilliseconds != 0 ? t.unixMilliseconds : side == .lower ? -1 : 1
}

/// The status filter of `list`, case-insensitive.
func queueStatus(_ text: String?) throws -> SchedulerV1.QueueStatus {
    guard let text else { return .unspecified }
    let all: [(String, SchedulerV1.QueueStatus)] = [
        ("PENDING", .pending), ("QUEUED", .queued), ("PROCESSING", .processing), ("COMPLETED", .completed),
        ("FAILED", .failed), ("CANCELLED", .cancelled), ("PAUSED", .paused),
    ]
    guard let s = all.first(where: { $0.0 == text.uppercased() })?.1 else {
        throw CommandFailure.badArgument("--status", "\"\(text)\": expected one of \(all.map(\.0).joined(separator: ", "))")
    }
    return s
}
