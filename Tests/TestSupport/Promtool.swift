import Foundation

/// Prometheus's own tools (Debian package `prometheus`, installed by scripts/install-deps).
///
/// Tests that need them run when they are installed, and always under CI (`CI` set), where a
/// missing binary fails the test rather than skipping it silently.
public enum PrometheusTools {
    public static let promtool = "/usr/bin/promtool"
    public static let prometheus = "/usr/bin/prometheus"

    /// Whether the tests that run promtool or prometheus should run here.
    public static var enabled: Bool {
        FileManager.default.isExecutableFile(atPath: promtool) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// `promtool check metrics` on `exposition` (stdin): its exit status and what it printed.
    /// Exit 0 means the text parses and passes the linter (HELP present, counter names end in
    /// `_total`, base units).
    public static func checkMetrics(_ exposition: String) async throws -> (status: Int32, output: String) {
        try await run(promtool, ["check", "metrics"], input: exposition)
    }

    /// `promtool` with `arguments`: its exit status and what it printed (stdout and stderr).
    public static func run(_ tool: String, _ arguments: [String], input: String? = nil) async throws
        -> (status: Int32, output: String)
    {
        try await ProcessGate.offPool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = arguments
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            let stdin = Pipe()
            p.standardInput = stdin
            try ProcessGate.run(p)
            if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
            try stdin.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }
}
