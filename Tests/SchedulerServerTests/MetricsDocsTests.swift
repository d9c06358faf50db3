import Foundation
import SchedulerServer
import TestSupport
import Testing

@Suite("Metrics: documented in docs/OPERATIONS.md, alert rules checked by promtool")
struct MetricsDocsTests {
    @Test("docs/OPERATIONS.md lists every metric; docs/alerts.rules.yml passes promtool check rules and its tests")
    func documentedMetricsAndAlertRules() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let operations = try String(contentsOf: root.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        for name in MetricName.help.keys.sorted() {
            let listed = operations.contains("`\(name)`")
            #expect(listed, "docs/OPERATIONS.md does not list \(name)")
        }
        let rules = root.appendingPathComponent("docs/alerts.rules.yml").path
        let ruleText = try String(contentsOfFile: rules, encoding: .utf8)
        // Every metric a rule uses exists (histograms by their _bucket/_sum/_count series).
        let used = Set(ruleText.matches(of: /scheduler_[a-z_]+/).map { String($0.output) })
        let known = Set(MetricName.help.keys.flatMap { [$0, $0 + "_bucket", $0 + "_sum", $0 + "_count"] })
        #expect(used.subtracting(known).isEmpty, "unknown metrics in the rules: \(used.subtracting(known))")
        if PrometheusTools.enabled {
            let check = try await PrometheusTools.run(PrometheusTools.promtool, ["check", "rules", rules])
            #expect(check.status == 0, "promtool check rules: \(check.output)")
            let tests = root.appendingPathComponent("docs/alerts.rules.test.yml").path
            let run = try await PrometheusTools.run(PrometheusTools.promtool, ["test", "rules", tests])
            #expect(run.status == 0, "promtool test rules: \(run.output)")
        }
    }
}
