@testable import ScheduleStore
import SchedulingCore
import Testing

/// The request fingerprint behind idempotency keys is stored, so it must not change between
/// releases: the streaming hash equals the hash of the canonical text, field for field.
@Suite("Request fingerprints")
struct FingerprintTests {
    static var requests: [EnqueueRequest] {
        let base = EnqueueRequest(
            projectID: "blog", contentID: "post-1", time: .instant(Instant(unixMilliseconds: 1_767_225_600_000)),
            platforms: ["twitter"])
        var out = [base]
        var r = base
        r.time = .local(LocalDateTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0)!)
        r.timeZone = "Europe/Berlin"
        out.append(r)
        r.platforms = ["twitter", "linkedin", "medium"]
        r.priority = 10
        r.recurrence = .rrule("FREQ=WEEKLY;BYDAY=MO,TH")
        r.recurringUntil = Instant(unixMilliseconds: 1_800_000_000_000)
        out.append(r)
        r.recurrence = .cron("0 9 * * 1-5")
        r.publishDelaySeconds = 60
        r.maxRetries = 5
        r.retryDelaySeconds = 120
        r.notes = "Grüße | 3:5 — ünïcödé, \"quoted\""
        r.metadataJSON = #"{"a":[1,2,{"b":"|"}]}"#
        r.autoResolve = true
        r.expiryWindowSeconds = 3600
        r.leaseLossPolicy = .retry
        r.externalJobID = "job-42"
        out.append(r)
        r.recurrence = .shorthand(pattern: "weekdays", configJSON: nil)
        out.append(r)
        r.recurrence = .shorthand(pattern: "custom", configJSON: #"{"days":[1,3]}"#)
        r.platforms = []
        r.time = .instant(Instant(unixMilliseconds: -5))
        r.notes = ""
        r.expiryWindowSeconds = 0
        out.append(r)
        r.projectID = String(repeating: "p", count: 256)
        r.contentID = "🚀"
        r.publishDelaySeconds = Int64.min
        r.retryDelaySeconds = Int64.max
        r.priority = -1
        out.append(r)
        return out
    }

    @Test(arguments: Self.requests.indices)
    func theStreamingHashEqualsTheHashOfTheCanonicalText(_ i: Int) {
        let r = Self.requests[i]
        #expect(CheckedEnqueue.fingerprint(r) == IDs.fingerprint(CheckedEnqueue.canonical(r)), "\(CheckedEnqueue.canonical(r))")
    }

    @Test func aFingerprintStoredByAnEarlierReleaseStillMatches() {
        // Computed by the release before the streaming hash (IDs.fingerprint(canonical(r))).
        let r = Self.requests[0]
        #expect(CheckedEnqueue.canonical(r) == "4:blog|6:post-1|15:i:1767225600000|3:UTC|7:twitter|1:5|1:-|1:-|1:0|1:3|3:300|1:-|1:-|5:false|1:-|4:HOLD|1:-")
        // FNV-1a 64 of that text, computed independently (Python: h ^= b; h *= 0x100000001b3).
        #expect(CheckedEnqueue.fingerprint(r) == "626ee3247a20b377")
    }
}
