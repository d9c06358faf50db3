import SchedulingCore

/// A month grid for the terminal: each day shows how many schedules fall on it, coloured by the
/// most urgent status among them (failed, then processing/queued, pending, paused, completed).
struct MonthCalendar {
    var year: Int
    var month: Int
    /// Schedules per day of the month, by status.
    var days: [Int: [QueueStatus: Int]] = [:]

    mutating func add(day: Int, status: QueueStatus) {
        days[day, default: [:]][status, default: 0] += 1
    }

    static func colour(for statuses: [QueueStatus: Int]) -> Style? {
        if statuses[.failed, default: 0] > 0 { return .red }
        if statuses[.processing, default: 0] + statuses[.queued, default: 0] > 0 { return .blue }
        if statuses[.pending, default: 0] > 0 { return .yellow }
        if statuses[.paused, default: 0] > 0 { return .gray }
        if statuses[.completed, default: 0] > 0 { return .green }
        return .gray
    }

    /// Renders the grid, Monday first; cells are 7 characters wide.
    func render(colour: Bool, title: String) -> String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        var out = Style.bold.apply("\(names[month - 1]) \(year) — \(title)", enabled: colour) + "\n"
        out += ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { $0.padding(7) }.joined().trimmingTrailingSpaces() + "\n"
        let first = LocalDateTime.isoWeekday(days: LocalDateTime.days(year: year, month: month, day: 1))
        let count = LocalDateTime.daysInMonth(year: year, month: month)
        var cells: [String] = Array(repeating: "".padding(7), count: first - 1)
        for d in 1...count {
            let statuses = days[d] ?? [:]
            let n = statuses.values.reduce(0, +)
            let label = n == 0 ? "\(d)" : "\(d):\(n)"
            var cell = label.padding(7)
            if n > 0, let style = Self.colour(for: statuses) {
                cell = style.apply(label, enabled: colour) + String(repeating: " ", count: max(0, 7 - label.count))
            }
            cells.append(cell)
        }
        for week in stride(from: 0, to: cells.count, by: 7) {
            out += cells[week..<min(week + 7, cells.count)].joined().trimmingTrailingSpaces() + "\n"
        }
        let total = days.values.flatMap(\.values).reduce(0, +)
        out += "\(total) schedule\(total == 1 ? "" : "s")  (day:count"
        out += colour
            ? "; \(Style.red.apply("failed", enabled: true)) \(Style.blue.apply("in progress", enabled: true)) \(Style.yellow.apply("pending", enabled: true)) \(Style.gray.apply("paused/cancelled", enabled: true)) \(Style.green.apply("published", enabled: true)))"
            : ")"
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
