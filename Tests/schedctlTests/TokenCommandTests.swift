import Foundation
import SchedulingCore
import Testing

/// `schedulerd token create --expires`: tokens with a lifetime.
@Suite("schedulerd token commands")
struct TokenCommandTests {
    @Test("--expires 30d writes an expiry 30 days out; list shows it; bad lifetimes are usage errors")
    func expiringToken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tokens.json").path
        func schedulerd(_ args: [String]) async throws -> CLI.Result {
            try await CLI.runAsync(args + ["--tokens", file], binary: ServerProcess.binary)
        }
        let before = Date()
        let created = try await schedulerd(["token", "create", "--project", "blog", "--expires", "30d"])
        #expect(created.status == 0, "stderr: \(created.stderr)")
        #expect(created.stdout.hasPrefix("st_"))
        #expect(created.stderr.contains("expires 20"))
        let listed = try await schedulerd(["token", "list", "--json"])
        let records = try #require(JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: String]])
        let expires = try #require(Instant(iso8601: records.first?["expiresAt"] ?? ""))
        #expect(abs(Double(expires.unixMilliseconds) / 1000 - before.timeIntervalSince1970 - 30 * 86_400) < 120)
        #expect(try await schedulerd(["token", "list"]).stdout.contains("active until"))
        for bad in ["0d", "30", "-1h", "x", "11000d"] {
            let r = try await schedulerd(["token", "create", "--project", "blog", "--expires", bad])
            #expect(r.status == 64 || r.status == 2, "\(bad): \(r.status)")
            #expect(r.stderr.contains("--expires"), "\(bad)")
        }
    }
}
