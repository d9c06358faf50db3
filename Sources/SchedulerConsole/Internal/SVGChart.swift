import Foundation

/// Charts drawn on the server as SVG: no script, no library, readable without one.
enum SVGChart {
    /// One series of a chart: a name, a CSS class for its colour, a value per day (nil = no data).
    struct Series {
        var name: String
        var cssClass: String
        var values: [Double?]
    }

    static let width = 640.0, height = 200.0, left = 44.0, right = 8.0, top = 10.0, bottom = 24.0

    /// Stacked bars, one column per label (day), with a y axis of 4 gridlines.
    static func stackedBars(title: String, labels: [String], series: [Series], id: String) -> String {
        let totals = labels.indices.map { i in series.reduce(0.0) { $0 + ($1.values[i] ?? 0) } }
        let maxValue = niceMax(totals.max() ?? 0)
        var body = axes(maxValue: maxValue, labels: labels, unit: "")
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(max(labels.count, 1))
        for i in labels.indices {
            var y = top + plotH
            for s in series {
                let v = s.values[i] ?? 0
                guard v > 0 else { continue }
                let h = plotH * v / maxValue
                y -= h
                body += "<rect class=\"\(s.cssClass)\" x=\(q(left + slot * Double(i) + slot * 0.15)) y=\(q(y)) width=\(q(slot * 0.7)) height=\(q(h))><title>\(HTML.escape(labels[i])): \(HTML.escape(s.name)) \(format(v))</title></rect>"
            }
        }
        return wrap(title: title, id: id, body: body, legend: series)
    }

    /// A line per series over the labels (gaps where a value is nil), y from 0 to a rounded maximum
    /// (or `fixedMax`), with `unit` after the axis numbers.
    static func lines(title: String, labels: [String], series: [Series], id: String, unit: String, fixedMax: Double? = nil) -> String {
        let maxValue = fixedMax ?? niceMax(series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0)
        var body = axes(maxValue: maxValue, labels: labels, unit: unit)
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(max(labels.count, 1))
        for s in series {
            var path = ""
            var pen = false
            for (i, v) in s.values.enumerated() {
                guard let v else {
                    pen = false
                    continue
                }
                let x = left + slot * (Double(i) + 0.5), y = top + plotH - plotH * min(v, maxValue) / maxValue
                path += "\(pen ? "L" : "M")\(fmt(x)) \(fmt(y)) "
                pen = true
                body += "<circle class=\"\(s.cssClass)\" cx=\(q(x)) cy=\(q(y)) r=\"2.5\"><title>\(HTML.escape(labels[i])): \(format(v))\(HTML.escape(unit))</title></circle>"
            }
            if !path.isEmpty { body += "<path class=\"line \(s.cssClass)\" d=\"\(path)\"/>" }
        }
        return wrap(title: title, id: id, body: body, legend: series)
    }

    /// Horizontal bars: one per (name, value, class).
    static func horizontalBars(title: String, rows: [(name: String, value: Double, cssClass: String)], id: String) -> String {
        let maxValue = niceMax(rows.map(\.value).max() ?? 0)
        let rowH = 22.0, labelW = 90.0
        let h = top + rowH * Double(rows.count) + 4
        var body = ""
        for (i, r) in rows.enumerated() {
            let y = top + rowH * Double(i)
            let w = (width - labelW - 60) * r.value / maxValue
            body += "<text class=\"label\" x=\(q(labelW - 6)) y=\(q(y + 15)) text-anchor=\"end\">\(HTML.escape(r.name))</text>"
            body += "<rect class=\"\(r.cssClass)\" x=\(q(labelW)) y=\(q(y + 3)) width=\(q(max(w, r.value > 0 ? 1 : 0))) height=\"16\"><title>\(HTML.escape(r.name)): \(format(r.value))</title></rect>"
            body += "<text class=\"value\" x=\(q(labelW + w + 6)) y=\(q(y + 15))>\(format(r.value))</text>"
        }
        return "<figure class=\"chart\"><figcaption>\(HTML.escape(title))</figcaption><svg id=\"\(id)\" role=\"img\" aria-label=\"\(HTML.escape(title))\" viewBox=\"0 0 \(fmt(width)) \(fmt(h))\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(HTML.escape(title))</title>\(body)</svg></figure>"
    }

    /// The y axis (0, ¼, ½, ¾, max) and x labels (about 6 of them).
    static func axes(maxValue: Double, labels: [String], unit: String) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        var out = ""
        for k in 0...4 {
            let v = maxValue * Double(k) / 4
            let y = top + plotH - plotH * Double(k) / 4
            out += "<line class=\"grid\" x1=\(q(left)) x2=\(q(width - right)) y1=\(q(y)) y2=\(q(y))/>"
            out += "<text class=\"label\" x=\(q(left - 4)) y=\(q(y + 4)) text-anchor=\"end\">\(format(v))\(HTML.escape(unit))</text>"
        }
        let slot = plotW / Double(max(labels.count, 1))
        let step = max(1, labels.count / 6)
        for i in stride(from: 0, to: labels.count, by: step) {
            out += "<text class=\"label\" x=\(q(left + slot * (Double(i) + 0.5))) y=\(q(height - 6)) text-anchor=\"middle\">\(HTML.escape(labels[i]))</text>"
        }
        return out
    }

    static func wrap(title: String, id: String, body: String, legend: [Series]) -> String {
        let keys = legend.map { "<li><span class=\"swatch \($0.cssClass)\"></span>\(HTML.escape($0.name))</li>" }.joined()
        return """
            <figure class="chart"><figcaption>\(HTML.escape(title))</figcaption>\
            <svg id="\(id)" role="img" aria-label="\(HTML.escape(title))" viewBox="0 0 \(fmt(width)) \(fmt(height))" xmlns="http://www.w3.org/2000/svg">\
            <title>\(HTML.escape(title))</title>\(body)</svg><ul class="legend">\(keys)</ul></figure>
            """
    }

    /// The axis top: 1, 2, 4, 6, 8 × 10ⁿ at or above `v` (1 for 0), so its quarters are round too.
    static func niceMax(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let p = pow(10, floor(log10(v)))
        for m in [1.0, 2, 4, 6, 8, 10] where m * p >= v { return m * p }
        return 10 * p
    }

    /// Whole numbers as such (10 000 and up as 10k, 1.5M), others with up to two decimals.
    static func format(_ v: Double) -> String {
        if abs(v) >= 1e6 { return trim(String(format: "%.1f", v / 1e6)) + "M" }
        if abs(v) >= 1e4 { return trim(String(format: "%.1f", v / 1e3)) + "k" }
        if v == v.rounded() { return String(Int64(v)) }
        return trim(String(format: abs(v) < 10 ? "%.2f" : "%.1f", v))
    }

    /// `2.50` → `2.5`, `3.0` → `3`.
    static func trim(_ text: String) -> String {
        var s = text
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    static func q(_ v: Double) -> String { "\"\(fmt(v))\"" }
}
