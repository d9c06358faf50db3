import Foundation
import PostgreSQL
import ScheduleStore
import SchedulerServer
import SchedulingCore
import TestSupport
import Testing
import Transport

/// `/readyz` asks the database (StoreReadiness): ready while the last probe's success is recent,
/// not ready, with the probe's error, once it is stale; ready again when the database answers.
@Suite("Store readiness")
struct StoreReadinessTests {
    static let postgresURL = ProcessInfo.processInfo.environment["SCHEDULER_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    @Test func aSQLiteStoreIsReadyAndAStaleProbeIsNot() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readiness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ScheduleStore(configuration: StoreConfiguration(path: dir.appendingPathComponent("s.db").path))
        let clock = ManualClock(Instant(unixSeconds: 1_900_000_000))
        let readiness = StoreReadiness(clock: clock, staleAfterMilliseconds: 6000)
        await readiness.probe(store)
        #expect(readiness.notReadyReason == nil)
        // No probe for longer than the staleness bound (a probe that hangs looks the same).
        clock.advance(seconds: 7)
        let reason = try #require(readiness.notReadyReason)
        #expect(reason.hasPrefix("database unreachable for 7 s"), "\(reason)")
        await readiness.probe(store)
        #expect(readiness.notReadyReason == nil)
        store.close()
    }

    @Test(.enabled(if: postgresURL != nil, "SCHEDULER_TEST_POSTGRES_URL is not set"))
    func aLostPostgreSQLMakesTheNodeNotReadyUntilItAnswersAgain() async throws {
        let base = try #require(URLComponents(string: Self.postgresURL!))
        let network = try TCPForwarder(targetPort: try #require(base.port))
        defer { network.stop() }
        var through = base
        through.port = network.port
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var pg = PostgresStoreConfiguration(url: try #require(through.string))
        pg.schema = schema
        pg.poolSize = 1
        let store = try PostgresStore(configuration: StoreConfiguration(path: ""), postgres: pg)
        defer {
            store.close()
            if let admin = try? PostgreSQL.Connection(Self.postgresURL!) {
                _ = try? admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
                admin.close()
            }
        }
        let clock = ManualClock(Instant(unixSeconds: 1_900_000_000))
        let readiness = StoreReadiness(clock: clock, staleAfterMilliseconds: 6000)
        await readiness.probe(store)
        #expect(readiness.notReadyReason == nil)

        network.down()
        await readiness.probe(store)
        #expect(readiness.notReadyReason == nil, "one failed probe within the bound is not yet a verdict")
        clock.advance(seconds: 7)
        await readiness.probe(store)
        let reason = try #require(readiness.notReadyReason)
        #expect(reason.contains("database unreachable") && reason.contains("PostgreSQL"), "\(reason)")
        #expect(!reason.contains(base.password ?? "\u{0}"), "no password in the reason")

        // Through /readyz: 503 with the reason.
        let health = try HealthHTTPServer(
            address: SocketAddress(host: "127.0.0.1", port: 0), notReadyReason: { readiness.notReadyReason })
        defer { health.stop() }
        let port = health.localAddress.port
        let notReady = try await ProcessGate.offPool { loopbackHTTPGet(port: port, path: "/readyz") }
        #expect(notReady?.status == 503 && notReady?.body.contains("database unreachable") == true, "\(String(describing: notReady))")

        network.up()
        await readiness.probe(store)
        #expect(readiness.notReadyReason == nil)
        #expect(try await ProcessGate.offPool { loopbackHTTPGet(port: port, path: "/readyz") }?.status == 200)
    }
}
