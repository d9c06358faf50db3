import ArgumentParser
import CLinux
import Foundation
import Synchronization

/// `scheduler-bench hiccups [--seconds S] [--json]`: how often the machine itself stops a running
/// thread. One thread per CPU the process may use, pinned to it at normal priority, reads the
/// monotonic clock in a loop and records every gap between two reads longer than 20 µs: time
/// the thread did not run although it never slept (interrupts, kernel threads, the hypervisor
/// running something else on that virtual CPU). Run it on an idle machine: whatever stalls it
/// also stalls the server's threads, so these gaps are a floor under any latency measured here.
struct HiccupsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hiccups",
        abstract: "Pauses the machine imposes on a running thread, per CPU (run it idle).",
        discussion: """
            Spins one pinned thread per allowed CPU for --seconds (so it uses every CPU the \
            whole time) and reports, per CPU, the share of the time lost in gaps over 20 µs, how \
            many gaps exceeded 0.1, 0.5, 1, 2 and 5 ms, and the longest.
            """)

    @Option(help: "How long to spin, in seconds (1…300).") var seconds: Double = 10
    @Flag(help: "Print one JSON object.") var json = false

    /// Gaps over 20 µs seen by one CPU's thread.
    struct CPUResult: Sendable {
        var cpu: Int
        var pinned: Bool
        var lostNanoseconds: Int64 = 0
        var gaps = 0
        /// Gaps over 0.1, 0.5, 1, 2 and 5 ms (``thresholdsNanoseconds``).
        var over = [Int](repeating: 0, count: HiccupsBench.thresholdsNanoseconds.count)
        var longestNanoseconds: Int64 = 0

        /// The share of `span` lost in those gaps, in per cent.
        func lostPercent(of span: Int64) -> Double { 100 * Double(lostNanoseconds) / Double(span) }
    }

    static let thresholdsNanoseconds: [Int64] = [100_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
    static let labels = ["0.1", "0.5", "1", "2", "5"]

    func validate() throws {
        guard (1...300).contains(seconds) else { throw ValidationError("--seconds: 1…300") }
    }

    func run() throws {
        var cpus = [Int32](repeating: 0, count: 1024)
        let n = clinux_allowed_cpus(&cpus, Int32(cpus.count))
        guard n > 0 else { throw ValidationError("cannot read the CPUs this process may use") }
        let allowed = cpus.prefix(Int(min(n, Int32(cpus.count)))).map(Int.init)
        let span = Int64(seconds * 1e9)
        let results = Mutex([CPUResult?](repeating: nil, count: allowed.count))
        let done = DispatchGroup()
        for (index, cpu) in allowed.enumerated() {
            done.enter()
            Thread {
                let r = Self.spin(cpu: cpu, nanoseconds: span)
                results.withLock { $0[index] = r }
                done.leave()
            }.start()
        }
        done.wait()
        let all = results.withLock { $0.compactMap { $0 } }
        if json {
            let rows = all.map { r in
                var fields = [
                    "\"cpu\":\(r.cpu)", "\"pinned\":\(r.pinned)",
                    "\"lost_pct\":\(BenchResult.fmt(r.lostPercent(of: span)))",
                    "\"gaps_over_20us\":\(r.gaps)",
                ]
                for (label, count) in zip(Self.labels, r.over) { fields.append("\"over_\(label)ms\":\(count)") }
                fields.append("\"longest_ms\":\(BenchResult.fmt(Double(r.longestNanoseconds) / 1e6))")
                return "{" + fields.joined(separator: ",") + "}"
            }
            print("{\"scenario\":\"hiccups\",\"seconds\":\(BenchResult.fmt(seconds)),\"cpus\":[\(rows.joined(separator: ","))]}")
        } else {
            print("cpu  lost      gaps >20µs  >0.1ms  >0.5ms  >1ms  >2ms  >5ms  longest")
            for r in all {
                print(
                    String(
                        format: "%-4d %5.2f %%   %-11d %-7d %-7d %-5d %-5d %-5d %.2f ms%@", r.cpu,
                        r.lostPercent(of: span), r.gaps, r.over[0], r.over[1], r.over[2], r.over[3],
                        r.over[4], Double(r.longestNanoseconds) / 1e6, r.pinned ? "" : " (not pinned)"))
            }
        }
    }

    /// Spins on `cpu` for `nanoseconds`, recording the gaps between consecutive clock reads.
    static func spin(cpu: Int, nanoseconds: Int64) -> CPUResult {
        var r = CPUResult(cpu: cpu, pinned: clinux_pin_thread(Int32(cpu)) == Int32(cpu))
        let start = monotonicNanoseconds()
        let end = start + nanoseconds
        var previous = start
        while true {
            let now = monotonicNanoseconds()
            let gap = now - previous
            previous = now
            if gap > 20_000 {
                r.lostNanoseconds += gap
                r.gaps += 1
                r.longestNanoseconds = max(r.longestNanoseconds, gap)
                for (i, t) in thresholdsNanoseconds.enumerated() where gap > t { r.over[i] += 1 }
            }
            if now >= end { return r }
        }
    }
}
