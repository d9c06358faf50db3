import SchedulingCore
import Testing

@Suite("Zones")
struct ZoneTests {
    /// The stored and wire form of a local time, zero-padded, and the same for fields set out of
    /// the range `init?` checks (they are public).
    @Test func localTimesPrintAsYYYYMMDDTHHMMSS() throws {
        #expect(try #require(LocalDateTime(year: 2030, month: 3, day: 7, hour: 9, minute: 5, second: 1)).description == "2030-03-07T09:05:01")
        #expect(try #require(LocalDateTime(year: 1, month: 1, day: 1)).description == "0001-01-01T00:00:00")
        #expect(try #require(LocalDateTime(year: 9999, month: 12, day: 31, hour: 23, minute: 59, second: 59)).description == "9999-12-31T23:59:59")
        var odd = try #require(LocalDateTime(year: 2030, month: 1, day: 1))
        odd.year = 12_345
        odd.second = 120
        #expect(odd.description == "12345-01-01T00:00:120")
        for text in ["2026-03-29T02:30:00", "1999-12-31T23:59:59"] {
            #expect(try LocalDateTime.parse(text).description == text)
        }
    }

    let db = TimeZoneDatabase.system

    @Test("rejects what is not a zone name", arguments: [
        "", "../../etc/passwd", "America/", "/etc/passwd", "America//New_York", "America/New York",
        "Nowhere/Special", "posix/Europe/Berlin", "right/UTC", "zone.tab", "America", "..", "Europe/Berlin\u{0}",
    ])
    func rejectsBadIdentifiers(_ id: String) {
        #expect(throws: ZoneError.self) { try db.zone(id) }
        #expect(!db.isValid(id))
    }

    @Test("refuses tzdata files that are not IANA zone names, as tz list leaves them out", arguments: [
        "localtime", "posixrules", "Factory",
    ])
    func refusesNonZoneFiles(_ id: String) {
        #expect(throws: ZoneError(identifier: id, reason: "not an IANA zone name")) { try db.zone(id) }
        #expect(!db.isValid(id))
        #expect(!db.allIdentifiers().contains(id))
    }

    /// Stored data may hold them (accepted before they were refused): still readable, and reading
    /// one does not make a later request for it succeed from the cache.
    @Test("storedZone still reads a non-zone file that zone(_:) refuses")
    func storedZoneReadsNonZoneFiles() throws {
        let local = TimeZoneDatabase(directory: "/usr/share/zoneinfo")
        #expect(try local.storedZone("Factory").identifier == "Factory")
        #expect(throws: ZoneError(identifier: "Factory", reason: "not an IANA zone name")) { try local.zone("Factory") }
        #expect(throws: ZoneError.self) { try local.storedZone("posix/UTC") }
    }

    @Test("accepts IANA identifiers", arguments: ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kathmandu"])
    func acceptsIdentifiers(_ id: String) throws {
        #expect(try db.zone(id).identifier == id)
    }

    @Test("lists all identifiers and every grouped zone exists")
    func listsIdentifiers() throws {
        let all = db.allIdentifiers()
        #expect(all.count > 400)
        #expect(all.contains("America/New_York"))
        #expect(!all.contains { $0.hasPrefix("posix/") || $0.hasPrefix("right/") || $0.hasSuffix(".tab") })
        for group in TimeZoneGroups.all {
            for id in group.zones { #expect(db.isValid(id), "\(group.region): \(id)") }
        }
    }

    @Test("abbreviations as tzdata spells them")
    func abbreviations() throws {
        let summer = try Instant.parse(iso8601: "2026-07-01T12:00:00Z")
        #expect(try db.zone("America/New_York").abbreviation(at: summer) == "EDT")
        #expect(try db.zone("Europe/Paris").abbreviation(at: try Instant.parse(iso8601: "2026-01-10T12:00:00Z")) == "CET")
        #expect(try db.zone("Asia/Kolkata").abbreviation(at: summer) == "IST")
        #expect(try db.zone("Asia/Kathmandu").abbreviation(at: summer) == "+0545")
        #expect(try db.zone("Asia/Kathmandu").offset(at: summer) == 20_700)
    }

    @Test("POSIX footer answers after 2038")
    func footerBeyond2038() throws {
        let ny = try db.zone("America/New_York")
        let t = try Instant.parse(iso8601: "2040-07-04T16:00:00Z")
        #expect(ny.offset(at: t) == -14_400)
        #expect(ny.abbreviation(at: t) == "EDT")
        #expect(ny.nextTransition(after: t) == (try Instant.parse(iso8601: "2040-11-04T06:00:00Z")))
        #expect(ny.previousTransition(before: t) == (try Instant.parse(iso8601: "2040-03-11T07:00:00Z")))
        let syd = try db.zone("Australia/Sydney")
        #expect(syd.offset(at: try Instant.parse(iso8601: "2045-01-15T00:00:00Z")) == 39_600)
        #expect(syd.offset(at: try Instant.parse(iso8601: "2045-07-15T00:00:00Z")) == 36_000)
        let r = syd.resolve(try LocalDateTime.parse("2045-10-01T02:30:00"))
        #expect(r.status == .nonexistent)
    }

    @Test("previous transition and zones without DST")
    func transitions() throws {
        let berlin = try db.zone("Europe/Berlin")
        let t = try Instant.parse(iso8601: "2026-05-01T00:00:00Z")
        #expect(berlin.previousTransition(before: t) == (try Instant.parse(iso8601: "2026-03-29T01:00:00Z")))
        #expect(try db.zone("UTC").nextTransition(after: t) == nil)
        #expect(try db.zone("Asia/Kolkata").nextTransition(after: t) == nil)
    }

    @Test("formats in a zone")
    func formatting() throws {
        let la = try db.zone("America/Los_Angeles")
        let t = try Instant.parse(iso8601: "2025-01-15T17:00:00Z")
        #expect(la.format(t) == "2025-01-15 09:00 AM PST")
        #expect(la.format(t, pattern: "EEEE, MMMM d, yyyy 'at' HH:mm xxx") == "Wednesday, January 15, 2025 at 09:00 -08:00")
        #expect(try db.zone("UTC").format(t, pattern: "yyyy-MM-dd'T'HH:mm:ssXXX") == "2025-01-15T17:00:00Z")
        #expect(try db.zone("Asia/Kathmandu").format(t, pattern: "hh:mm a zzz ''yy") == "10:45 PM +0545 '25")
    }

    @Test("DST safety: warning within 2 hours, suggestion 3 hours after")
    func dstSafety() throws {
        let ny = try db.zone("America/New_York")
        let transition = try Instant.parse(iso8601: "2026-03-08T07:00:00Z")
        let near = DSTSafety.check(transition.adding(seconds: -7200), in: ny)
        #expect(!near.safe)
        #expect(near.suggestion == transition.adding(seconds: 10_800))
        #expect(near.warning?.contains("clocks go forward") == true)
        let after = DSTSafety.check(transition.adding(seconds: 7200), in: ny)
        #expect(!after.safe)
        #expect(DSTSafety.check(transition.adding(seconds: -7201), in: ny).safe)
        #expect(DSTSafety.check(transition.adding(seconds: 7201), in: ny).safe)
        #expect(DSTSafety.check(transition, in: try db.zone("UTC")).safe)
    }
}

@Suite("Instants and local times")
struct TimeParsingTests {
    @Test func parsesInstants() throws {
        #expect(try Instant.parse(iso8601: "1970-01-01T00:00:00Z").unixMilliseconds == 0)
        #expect(try Instant.parse(iso8601: "2026-03-09T13:00:00.250Z").unixMilliseconds == 1_773_061_200_250)
        #expect(try Instant.parse(iso8601: "2026-03-09T15:00:00+02:00") == (try Instant.parse(iso8601: "2026-03-09T13:00:00Z")))
        #expect(Instant(unixMilliseconds: 1_773_061_200_250).iso8601 == "2026-03-09T13:00:00.250Z")
        #expect(Instant(unixMilliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test("bad instants say why", arguments: [
        ("2026-03-09T13:00:00", "missing 'Z'"), ("2026-02-30T13:00:00Z", "day 30 out of range 1…28"),
        ("2026-13-01T00:00:00Z", "month 13"), ("yesterday", "expected"), ("2026-03-09T24:00:00Z", "hour 24"),
    ])
    func badInstants(_ input: String, _ fragment: String) {
        #expect {
            try Instant.parse(iso8601: input)
        } throws: { error in
            (error as? TimeParseError)?.reason.contains(fragment) == true
        }
    }

    @Test func localTimes() throws {
        #expect(try LocalDateTime.parse("2026-03-08T02:30").description == "2026-03-08T02:30:00")
        #expect(throws: TimeParseError.self) { try LocalDateTime.parse("2026-03-08") }
        #expect(throws: TimeParseError.self) { try LocalDateTime.parse("2025-02-29T00:00:00") }
        #expect(LocalDateTime(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDateTime(year: 2024, month: 2, day: 29)!.isoWeekday == 4)
        #expect(LocalDateTime(year: 2026, month: 12, day: 31)!.dayOfYear == 365)
    }
}
