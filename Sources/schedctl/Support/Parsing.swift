import SchedulingCore
import WireProtocol

/// Argument readers that turn core parse errors into one-line `CommandFailure`s naming the option.
enum Arg {
    /// `--on-lease-loss hold|retry`; nil = not given (the server's default, or unchanged).
    static func leaseLossPolicy(_ text: String?) throws -> V1.LeaseLossPolicy {
        switch text?.lowercased() {
        case nil: return .unspecified
        case "hold": return .hold
        case "retry": return .retry
        case let other?: throw CommandFailure.badArgument("--on-lease-loss", "\"\(other)\": expected hold or retry")
        }
    }

    static func zone(_ id: String, option: String = "--tz") throws -> Zone {
        do {
            return try TimeZoneDatabase.system.zone(id)
        } catch {
            throw CommandFailure.badArgument(option, error.description)
        }
    }

    static func instant(_ text: String, option: String) throws -> Instant {
        do {
            return try Instant.parse(iso8601: text)
        } catch {
            throw CommandFailure.badArgument(option, error.description)
        }
    }

    static func local(_ text: String, option: String) throws -> LocalDateTime {
        do {
            return try LocalDateTime.parse(text)
        } catch {
            throw CommandFailure.badArgument(option, error.description)
        }
    }
}
