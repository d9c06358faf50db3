import Testing

@testable import SchedulerConsole

@Suite("SVG chart scales and numbers")
struct SVGChartTests {
    @Test func axisTopsHaveRoundQuarters() {
        #expect(SVGChart.niceMax(0) == 1)
        #expect(SVGChart.niceMax(3) == 4)
        #expect(SVGChart.niceMax(5) == 6)
        #expect(SVGChart.niceMax(90_612) == 100_000)
        #expect(SVGChart.niceMax(0.3) == 0.4)
    }

    @Test func numbersStayShortEnoughForTheAxis() {
        #expect(SVGChart.format(0) == "0")
        #expect(SVGChart.format(1.5) == "1.5")
        #expect(SVGChart.format(0.25) == "0.25")
        #expect(SVGChart.format(12.34) == "12.3")
        #expect(SVGChart.format(9_999) == "9999")
        #expect(SVGChart.format(25_000) == "25k")
        #expect(SVGChart.format(100_000) == "100k")
        #expect(SVGChart.format(1_500_000) == "1.5M")
    }

    @Test func chartsEscapeTheirLabels() {
        let svg = SVGChart.stackedBars(
            title: "a <b>", labels: ["x&y"], series: [.init(name: "n", cssClass: "st-failed", values: [2])], id: "c")
        #expect(svg.contains("<title>a &lt;b&gt;</title>"))
        #expect(svg.contains("x&amp;y: n 2"))
        #expect(!svg.contains("<b>"))
    }
}
