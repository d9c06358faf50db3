import ArgumentParser
import SchedulingCore

/// `scheduler-bench core [--json]`: the scheduling core's hot paths, no I/O.
struct CoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Scheduling core: next-occurrence throughput of a daily rule (target ≥ 1,000,000/s in release).")

    @Option(help: "Next-occurrence computations per run.") var iterations: Int = 2_000_000
    @Option(help: "Runs; the median is reported.") var runs: Int = 5
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        guard iterations > 0, (1...100).contains(runs) else {
            throw ValidationError("--iterations must be positive and --runs 1…100")
        }
        _ = RecurrenceBenchmark.nextOccurrencesPerSecond(iterations: min(iterations, 100_000))  // warm up: zone load, caches
        let rates = (0..<runs).map { _ in RecurrenceBenchmark.nextOccurrencesPerSecond(iterations: iterations) }.sorted()
        let median = rates[rates.count / 2]
        if json {
            let all = rates.map { String(Int($0.rounded())) }.joined(separator: ",")
            print("{\"scenario\":\"next-occurrence-daily\",\"ops_per_sec\":\(Int(median.rounded())),\"runs\":[\(all)],\"iterations\":\(iterations)}")
        } else {
            print("next-occurrence (FREQ=DAILY, Europe/Berlin): median \(Int(median.rounded())) per second over \(runs) runs of \(iterations)")
        }
    }
}
