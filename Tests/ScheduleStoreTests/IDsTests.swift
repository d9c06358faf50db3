import SchedulingCore
import Testing

@testable import ScheduleStore

@Suite("Identifiers and lease tokens")
struct IDsTests {
    @Test func idsSortByTimeAndNeverRepeat() {
        var seen = Set<String>()
        var previous = ""
        for i in 0..<50_000 {
            let id = IDs.make("sch_", now: Instant(unixSeconds: 1_894_017_600 + Int64(i)))
            #expect(id.hasPrefix("sch_") && id.utf8.count == 30)
            #expect(id > previous, "later ids sort after earlier ones")
            previous = id
            seen.insert(id)
        }
        #expect(seen.count == 50_000)
        // Within one millisecond the random part alone keeps them apart (the pool is refilled
        // every 256 ids, so this crosses many refills).
        let same = (0..<10_000).map { _ in IDs.make("x_", now: Instant(unixSeconds: 1_894_017_600)) }
        #expect(Set(same).count == 10_000)
    }

    /// The first ten characters after the prefix are the milliseconds in Crockford base 32 (the
    /// value computed in Python), the rest from its alphabet.
    @Test func theTimePartIsTheMillisecondsInCrockfordBase32() {
        let alphabet = Set("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
        for (prefix, ms, time) in [("sch_", Int64(1_894_017_600_000), "01Q3Y3Y2G0"), ("", 0, "0000000000"), ("a_much_longer_prefix_", 1, "0000000001")] {
            let id = IDs.make(prefix, now: Instant(unixMilliseconds: ms))
            #expect(id.hasPrefix(prefix + time), "\(id)")
            #expect(id.utf8.count == prefix.utf8.count + 26)
            #expect(id.utf8.dropFirst(prefix.utf8.count).allSatisfy { alphabet.contains($0) })
        }
    }

    @Test func tokensAre128BitHexAndNeverRepeat() {
        let tokens = (0..<20_000).map { _ in IDs.token() }
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        // Every hex digit turns up in every position: the bits are not stuck.
        for position in [0, 15, 16, 31] {
            let digits = Set(tokens.map { Array($0.utf8)[position] })
            #expect(digits.count == 16, "position \(position)")
        }
    }

    @Test func thePoolHandsOutFreshBytesAcrossRefills() {
        var a = [UInt8](repeating: 0, count: 5_000)  // larger than the pool: spans a refill
        var b = [UInt8](repeating: 0, count: 5_000)
        a.withUnsafeMutableBytes { RandomPool.shared.fill($0) }
        b.withUnsafeMutableBytes { RandomPool.shared.fill($0) }
        #expect(a != b)
        // 5,000 random bytes hit nearly every value; a zeroed (used-up) pool would not.
        #expect(Set(a).count > 240 && Set(b).count > 240)
    }
}
