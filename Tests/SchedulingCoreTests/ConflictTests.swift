import SchedulingCore
import Testing

/// An in-memory occupancy source: a list of (id, time, platforms).
struct FakeOccupancy: OccupancySource {
    var items: [(id: String, time: Instant, platforms: [String])] = []

    func scheduleIDs(project: String, in window: ClosedRange<Instant>, excluding: String?, limit: Int) -> [String] {
        Array(items.filter { window.contains($0.time) && $0.id != excluding }.map(\.id).prefix(limit))
    }

    func count(project: String, in window: ClosedRange<Instant>, excluding: String?) -> Int {
        items.filter { window.contains($0.time) && $0.id != excluding }.count
    }

    func count(project: String, platform: String, in window: ClosedRange<Instant>, excluding: String?) -> Int {
        items.filter { window.contains($0.time) && $0.id != excluding && $0.platforms.contains(platform) }.count
    }

    mutating func add(_ n: Int, at t: Instant, platforms: [String] = ["TWITTER"]) {
        for _ in 0..<n { items.append(("s\(items.count)", t, platforms)) }
    }
}

@Suite("Conflict rules")
struct ConflictTests {
    let utc = try! TimeZoneDatabase.system.zone("UTC")
    let t0 = try! Instant.parse(iso8601: "2026-06-10T12:00:00Z")
    let checker = ConflictChecker()

    @Test func platformNamesNormalizeToUpperCaseWithoutSeparators() {
        #expect(PlatformRateLimits.normalize("twitter") == "TWITTER")
        #expect(PlatformRateLimits.normalize("dev.to") == "DEVTO")
        #expect(PlatformRateLimits.normalize(" Linked-In ") == "LINKEDIN")
        #expect(PlatformRateLimits.normalize("GHOST_2") == "GHOST_2")
        // Only ASCII letters change case; other characters pass through whole.
        #expect(PlatformRateLimits.normalize("caf\u{E9}-\u{1F600}") == "CAF\u{E9}\u{1F600}")
        #expect(PlatformRateLimits.normalize("") == "")
    }

    @Test func aLimitIsFoundByAnySpellingOfItsPlatform() {
        let limits = PlatformRateLimits()
        for name in ["TWITTER", "twitter", "Twit-ter", "DEVTO", "dev.to", " dev.to ", "GHOST"] {
            #expect(limits.limit(for: name) == limits.limits[PlatformRateLimits.normalize(name)], "\(name)")
            #expect(limits.limit(for: name) != nil, "\(name)")
        }
        #expect(limits.limit(for: "MYSPACE") == nil)
        #expect(limits.limit(for: "my-space") == nil)
        // A name normalize leaves alone is looked up as it is: the fast path's condition.
        for name in ["TWITTER", "GHOST_2", "CAF\u{E9}", ""] {
            #expect(PlatformRateLimits.isCanonical(name) == (PlatformRateLimits.normalize(name) == name), "\(name)")
        }
        for name in ["twitter", "dev.to", "A B", "x-y"] { #expect(!PlatformRateLimits.isCanonical(name), "\(name)") }
    }

    func proposal(_ platforms: [String] = ["TWITTER"], at t: Instant? = nil, id: String? = nil) -> ConflictChecker.Proposal {
        .init(project: "p", scheduleID: id, time: t ?? t0, platforms: platforms, zone: utc)
    }

    @Test("same time: within ±1 minute is a WARNING naming the other schedule")
    func sameTime() throws {
        var occ = FakeOccupancy()
        occ.add(1, at: t0.adding(seconds: 60))
        let c = try checker.sameTime(proposal(), in: occ)
        #expect(c.count == 1)
        #expect(c[0].severity == .warning && c[0].type == .sameTime)
        #expect(c[0].conflictingScheduleID == "s0")
        #expect(c[0].suggestion == "Space schedules at least 5 minutes apart")
        var far = FakeOccupancy()
        far.add(1, at: t0.adding(seconds: 61))
        #expect(try checker.sameTime(proposal(), in: far).isEmpty)
        #expect(try checker.sameTime(proposal(id: "s0"), in: occ).isEmpty, "an update does not conflict with itself")
    }

    @Test("rate limit: 80 % WARNING, 100 % ERROR, in the ±1 hour window", arguments: [
        ("REDDIT", 7, nil), ("REDDIT", 8, ConflictSeverity.warning), ("REDDIT", 9, .warning), ("REDDIT", 10, .error),
        ("MEDIUM", 15, nil), ("MEDIUM", 16, .warning), ("MEDIUM", 20, .error), ("TWITTER", 79, nil), ("TWITTER", 80, .warning),
        ("TWITTER", 99, .warning), ("TWITTER", 100, .error),
    ])
    func rateLimit(_ platform: String, _ existing: Int, _ severity: ConflictSeverity?) throws {
        var occ = FakeOccupancy()
        occ.add(existing, at: t0.adding(seconds: -3600), platforms: [platform])
        occ.add(5, at: t0.adding(seconds: 3601), platforms: [platform])  // outside the window
        let c = try checker.rateLimit(proposal([platform]), in: occ)
        #expect(c.first?.severity == severity)
        if let first = c.first {
            #expect(first.platform == platform)
            #expect(first.type == .rateLimit)
        }
    }

    @Test("rate limits can be overridden per project; unknown platforms are not limited")
    func rateLimitOverride() throws {
        var policy = ConflictPolicy()
        policy.rateLimits = PlatformRateLimits(overrides: ["reddit": 4, "mastodon": 5])
        var occ = FakeOccupancy()
        occ.add(4, at: t0, platforms: ["REDDIT", "MASTODON"])
        let c = try ConflictChecker(policy: policy).rateLimit(proposal(["REDDIT", "MASTODON", "BLUESKY"]), in: occ)
        #expect(c.map(\.severity) == [.error, .warning])
    }

    @Test("resource: max 5 within ±2.5 minutes; 4 WARNING, 5 ERROR", arguments: [(3, nil), (4, ConflictSeverity.warning), (5, .error), (6, .error)])
    func resource(_ existing: Int, _ severity: ConflictSeverity?) throws {
        var occ = FakeOccupancy()
        occ.add(existing, at: t0.adding(seconds: 150))
        occ.add(3, at: t0.adding(seconds: -151))
        #expect(try checker.resource(proposal(), in: occ).first?.severity == severity)
    }

    @Test("DST: a WARNING near a transition with a suggestion 3 hours after it")
    func dst() throws {
        let ny = try TimeZoneDatabase.system.zone("America/New_York")
        let transition = try Instant.parse(iso8601: "2026-11-01T06:00:00Z")
        let c = checker.dst(time: transition.adding(seconds: -3600), zone: ny)
        #expect(c.count == 1)
        #expect(c[0].type == .custom && c[0].severity == .warning)
        #expect(c[0].suggestedTime == transition.adding(seconds: 10_800))
        #expect(checker.dst(time: transition.adding(seconds: -7201), zone: ny).isEmpty)
    }

    @Test("validate: valid with warnings only; ERROR invalid")
    func validate() throws {
        var occ = FakeOccupancy()
        occ.add(4, at: t0)
        let v = try checker.validate(proposal(), autoResolve: false, in: occ)
        #expect(v.valid)
        #expect(Set(v.conflicts.map(\.type)) == [.sameTime, .resource])
        occ.add(1, at: t0)
        let blocked = try checker.validate(proposal(), autoResolve: false, in: occ)
        #expect(!blocked.valid)
        #expect(blocked.suggestedTime == nil)
    }

    @Test("auto-resolve: first 15-minute slot in 24 hours without an ERROR")
    func autoResolve() throws {
        var occ = FakeOccupancy()
        occ.add(5, at: t0)
        occ.add(5, at: t0.adding(seconds: 900))
        occ.add(2, at: t0.adding(seconds: 1800))
        let v = try checker.validate(proposal(), autoResolve: true, in: occ)
        #expect(!v.valid)
        #expect(v.suggestedTime == t0.adding(seconds: 1800))
        #expect(v.suggestedConflicts.contains { $0.type == .sameTime })
        // Nothing free in the next 24 hours: REDDIT is saturated all day.
        var full = FakeOccupancy()
        for h in stride(from: -2, through: 26, by: 1) { full.add(10, at: t0.adding(seconds: Int64(h) * 3600), platforms: ["REDDIT"]) }
        let none = try checker.validate(proposal(["REDDIT"]), autoResolve: true, in: full)
        #expect(!none.valid && none.suggestedTime == nil)
    }

    @Test("the widest window is whichever of the three counts looks furthest")
    func widestWindow() {
        var policy = ConflictPolicy()
        #expect(policy.widestWindowSeconds == 3600)  // the rate-limit hour
        policy.resourceWindowSeconds = 7200
        #expect(policy.widestWindowSeconds == 7200)
        policy.sameTimeWindowSeconds = 9000
        #expect(policy.widestWindowSeconds == 9000)
    }
}
