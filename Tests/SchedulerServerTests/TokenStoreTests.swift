import Foundation
import SchedulerServer
import SchedulingCore
import TLS
import Testing

@Suite("Token store")
struct TokenStoreTests {
    func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString).json").path
    }

    @Test("create, authenticate, list, revoke; only hashes on disk")
    func lifecycle() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ManualClock(Instant(unixSeconds: 1_800_000_000))
        let store = TokenStore(path: path, clock: clock)
        let (token, record) = try store.create(projects: ["blog", "news"], admin: false)
        #expect(token.hasPrefix("st_"))
        let principal = try #require(store.authenticate(token))
        #expect(principal.name == record.id)
        #expect(principal.projects == ["blog", "news"])
        #expect(!principal.isAdmin)

        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!onDisk.contains(String(token.split(separator: "_", maxSplits: 2)[2])), "the secret is never written")  // base64url may hold "_"
        #expect(onDisk.contains(record.sha256))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(store.authenticate(token + "x") == nil)
        #expect(store.authenticate("st_000000000000_nope") == nil)
        #expect(store.authenticate("") == nil)
        #expect(store.authenticate("Bearer " + token) == nil)

        #expect(try store.list().map(\.id) == [record.id])
        // A second process (another TokenStore on the same file) revokes it.
        #expect(try TokenStore(path: path).revoke(id: record.id))
        #expect(try !TokenStore(path: path).revoke(id: "tok_missing"))
        clock.advance(seconds: 2)  // past the re-check interval
        #expect(store.authenticate(token) == nil)
        #expect(try store.list()[0].isRevoked)
    }

    @Test("admin tokens and refused requests")
    func admin() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = TokenStore(path: path)
        let (token, _) = try store.create(projects: [], admin: true)
        #expect(store.authenticate(token)?.mayAccess(project: "anything") == true)
        #expect(throws: TokenStoreError.self) { try store.create(projects: [], admin: false) }
    }

    @Test("a token with a known id but another secret is refused, whatever its length")
    func wrongSecret() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = TokenStore(path: path)
        let (token, _) = try store.create(projects: ["blog"], admin: false)
        let principal = store.authenticate(token)
        #expect(principal?.mayAccess(project: "blog") == true)
        #expect(store.authenticate(token) == principal)  // the same principal on every call
        var flipped = Array(token.utf8)
        flipped[flipped.count - 1] = flipped.last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(store.authenticate(String(decoding: flipped, as: UTF8.self)) == nil)
        #expect(store.authenticate(String(token.dropLast())) == nil)
        #expect(store.authenticate(token + "x") == nil)
        #expect(store.authenticate(token + "é") == nil)
    }

    @Test("a token checked once is still refused when it expires, when its record changes and for any other secret")
    func verifiedTokens() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let clock = ManualClock(Instant(unixSeconds: 1_800_000_000))
        let store = TokenStore(path: path, clock: clock)
        let (token, record) = try store.create(projects: ["blog"], admin: false, expiresInSeconds: 60)
        // The first call hashes the token; the later ones compare it with the text that matched.
        #expect(store.authenticate(token)?.name == record.id)
        #expect(store.authenticate(token)?.name == record.id)
        var other = Array(token.utf8)
        other[other.count - 1] = other.last == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(store.authenticate(String(decoding: other, as: UTF8.self)) == nil)
        #expect(store.authenticate(token)?.name == record.id)

        // The file now holds another secret's hash for the same id (a token re-issued by hand).
        let replacement = String(token.prefix(16)) + String(repeating: "Z", count: 43)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: record.sha256, with: Crypto.sha256Hex(replacement))
            .write(toFile: path, atomically: true, encoding: .utf8)
        store.invalidate()
        #expect(store.authenticate(token) == nil)
        #expect(store.authenticate(replacement)?.name == record.id)
        #expect(store.authenticate(replacement)?.name == record.id)

        clock.advance(seconds: 60)
        #expect(store.authenticate(replacement) == nil, "expired")
    }
}
