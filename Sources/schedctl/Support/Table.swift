/// A plain-text table with padded columns, for human output.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    mutating func add(row cells: [String]) {
        rows.append(cells)
    }

    var text: String {
        var widths = headers.map(\.count)
        for r in rows {
            for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: max(0, widths[i] - c.count))
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

/// ANSI colours, used only when stdout is a terminal and NO_COLOR is unset.
enum Style {
    case red, green, yellow, blue, gray, bold

    var code: String {
        switch self {
        case .red: "31"
        case .green: "32"
        case .yellow: "33"
        case .blue: "34"
        case .gray: "90"
        case .bold: "1"
        }
    }

    func apply(_ text: String, enabled: Bool) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// A sparkline of values in 0…100 (e.g. daily success rates); nil days show as a space.
func sparkline(_ values: [Double?]) -> String {
    let bars = Array("▁▂▃▄▅▆▇█")
    return String(
        values.map { v -> Character in
            guard let v else { return " " }
            let i = Int((min(max(v, 0), 100) / 100 * Double(bars.count - 1)).rounded())
            return bars[i]
        })
}
