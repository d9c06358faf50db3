import SchedulingCore
import Testing

@Suite("Time zone reference vectors")
struct TimeZoneVectorTests {
    @Test("tzinfo", arguments: Vectors.cases("tzinfo"))
    func tzinfo(_ v: VectorCase) throws {
        let zone = try TimeZoneDatabase.system.zone(v.tz!)
        let at = try Instant.parse(iso8601: v.at!)
        guard case .object(let e) = v.expect else { Issue.record("bad fixture"); return }
        #expect(JSONValue.int(zone.offset(at: at)) == e["offsetSeconds"])
        #expect(JSONValue.string(zone.abbreviation(at: at)) == e["abbreviation"])
        #expect(JSONValue.bool(zone.isDaylightSavingTime(at: at)) == e["isDST"])
        let next = zone.nextTransition(after: at).map { JSONValue.string($0.iso8601) } ?? .null
        #expect(next == e["nextTransition"])
    }

    @Test("localToUtc", arguments: Vectors.cases("localToUtc"))
    func localToUtc(_ v: VectorCase) throws {
        let zone = try TimeZoneDatabase.system.zone(v.tz!)
        let local = try LocalDateTime.parse(v.local!)
        guard case .object(let e) = v.expect else { Issue.record("bad fixture"); return }
        let r = zone.resolve(local)
        #expect(JSONValue.string(r.instant.iso8601) == e["utc"])
        #expect(JSONValue.string(r.status.rawValue) == e["status"])
    }
}
