/// Throughput probes for the recurrence engine, run from an executable in a release build
/// (tests never assert timing).
public enum RecurrenceBenchmark {
    /// Next-occurrence computations per second for `FREQ=DAILY` at 09:00 in Europe/Berlin,
    /// querying `iterations` successive `after` instants spread over several years (DST
    /// transitions included).
    public static func nextOccurrencesPerSecond(iterations: Int) -> Double {
        guard iterations > 0, let zone = try? TimeZoneDatabase.system.zone("Europe/Berlin"),
            let start = LocalDateTime(year: 2026, month: 1, day: 1, hour: 9)
        else { return 0 }
        let series = Recurrence(kind: .rrule(RecurrenceRule(frequency: .daily), start: start), zone: zone)
        let base = Instant(unixSeconds: 1_767_225_600)  // 2026-01-01T00:00:00Z
        var checksum: Int64 = 0
        let clock = ContinuousClock()
        let began = clock.now
        for i in 0..<iterations {
            // Step 7 h 13 min per query: every time of day, ~5 years for 150 000 iterations.
            let after = base.adding(seconds: Int64(i % 150_000) * 26_000)
            checksum &+= series.next(after: after)?.unixMilliseconds ?? 0
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // Keep the work observable so the optimiser cannot drop it.
        if checksum == 42 { print("") }
        return seconds > 0 ? Double(iterations) / seconds : .infinity
    }
}
