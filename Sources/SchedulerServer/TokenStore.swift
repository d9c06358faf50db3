import Foundation
import SchedulingCore
import Synchronization
import TLS

/// Bearer tokens: created once (the secret is shown only then), kept as SHA-256 hashes in a JSON
/// file, revocable. The server re-reads the file when it changes, so `schedulerd token create` and
/// `revoke` take effect on a running server within a second.
///
/// A token reads `st_<id>_<secret>`: the id finds the record without scanning and appears in logs
/// and listings; the secret (32 random bytes, base64url) is never stored or logged.
public final class TokenStore: Sendable {
    /// One token's record (no secret).
    public struct Record: Codable, Sendable, Hashable {
        public var id: String
        /// Lowercase hex SHA-256 of the whole token text.
        public var sha256: String
        public var projects: [String]
        public var admin: Bool
        public var createdAt: String
        public var revokedAt: String?
        public var note: String?
        /// When the token stops working (ISO 8601 UTC); nil = never. Files written before
        /// tokens could expire have no such key.
        public var expiresAt: String?

        public var isRevoked: Bool { revokedAt != nil }

        /// Whether the token has expired at `now`. An expiry that does not parse counts as
        /// expired: a damaged file never makes a token live longer.
        public func isExpired(at now: Instant) -> Bool {
            guard let expiresAt else { return false }
            guard let end = Instant(iso8601: expiresAt) else { return true }
            return now >= end
        }
    }

    struct File: Codable {
        var version = 1
        var tokens: [Record] = []
    }

    public let path: String
    /// A token's record with the principal it authenticates as, built once per file load. A
    /// class: a call takes a reference to it, not a copy of every string in the record.
    final class Entry: Sendable {
        let record: Record
        let principal: Principal
        /// The parsed ``Record/expiresAt`` (or .min when it is unreadable), parsed once per load.
        let expiresAtMs: Int64?
        /// The token text once it matched the hash: later calls compare it (in constant time)
        /// instead of hashing again. It goes with the entry when the file is re-read.
        let verified = Mutex<String?>(nil)

        init(_ record: Record) {
            self.record = record
            self.principal = Principal(name: record.id, projects: Set(record.projects), isAdmin: record.admin)
            self.expiresAtMs = record.expiresAt.map { Instant(iso8601: $0)?.unixMilliseconds ?? .min }
        }
    }

    private let cache = Mutex<(loadedMtime: Double, checkedMs: Int64, byID: [String: Entry])>((-1, 0, [:]))
    private let clock: any WallClock

    public init(path: String, clock: any WallClock = SystemClock()) {
        self.path = path
        self.clock = clock
    }

    // MARK: Administration (the `schedulerd token` commands)

    /// The longest lifetime ``create(projects:admin:note:expiresInSeconds:)`` accepts: 10 years.
    public static let maxLifetimeSeconds: Int64 = 10 * 366 * 86_400

    /// Creates a token for `projects` (or every project with `admin`) and returns its text; only
    /// its hash is written. With `expiresInSeconds` the token stops working that long from now
    /// (an expired token is refused like a revoked one: UNAUTHENTICATED).
    public func create(
        projects: [String], admin: Bool, note: String? = nil, expiresInSeconds: Int64? = nil
    ) throws -> (token: String, record: Record) {
        guard admin || !projects.isEmpty else {
            throw TokenStoreError("a token needs at least one --project, or --admin")
        }
        if let s = expiresInSeconds, !(1...Self.maxLifetimeSeconds).contains(s) {
            throw TokenStoreError("expiry must be 1 second to 10 years from now")
        }
        for p in projects where p.isEmpty || p.utf8.count > 128 {
            throw TokenStoreError("project \"\(p)\": must be 1…128 bytes")
        }
        let id = "tok_" + Crypto.hex(Crypto.randomBytes(6))
        let token = "st_\(id.dropFirst(4))_" + Self.base64url(Crypto.randomBytes(32))
        let record = Record(
            id: id, sha256: Crypto.sha256Hex(token), projects: projects.sorted(), admin: admin,
            createdAt: clock.now().iso8601, revokedAt: nil, note: note,
            expiresAt: expiresInSeconds.map { clock.now().adding(seconds: $0).iso8601 })
        try modify { $0.tokens.append(record) }
        return (token, record)
    }

    /// Every token record, oldest first.
    public func list() throws -> [Record] {
        try read().tokens
    }

    /// Revokes a token by id (`tok_…`). Returns false when no such token exists.
    @discardableResult
    public func revoke(id: String) throws -> Bool {
        var found = false
        let now = clock.now().iso8601
        try modify { file in
            for i in file.tokens.indices where file.tokens[i].id == id {
                found = true
                if file.tokens[i].revokedAt == nil { file.tokens[i].revokedAt = now }
            }
        }
        return found
    }

    // MARK: Authentication (the server's hot path)

    /// The principal for a presented token, or nil when it is unknown, malformed, revoked or expired.
    public func authenticate(_ token: String) -> Principal? {
        guard let id = Self.recordID(of: token) else { return nil }
        let nowMs = clock.now().unixMilliseconds
        guard let entry = entry(id, nowMs: nowMs), !entry.record.isRevoked else { return nil }
        if let end = entry.expiresAtMs, nowMs >= end { return nil }
        // Only one text has this hash: a token that differs from the verified one is not it.
        if let verified = entry.verified.withLock({ $0 }) { return Self.constantTimeEqual(token, verified) ? entry.principal : nil }
        guard Self.constantTimeEqual(Crypto.sha256Hex(token), entry.record.sha256) else { return nil }
        entry.verified.withLock { $0 = token }
        return entry.principal
    }

    /// The record id a token names (`tok_<12>` for `st_<12>_<secret>`), or nil when the token
    /// does not have that shape. Read from the UTF-8 bytes: splitting the String by characters
    /// was most of a call's authentication time.
    static func recordID(of token: String) -> String? {
        var token = token
        return token.withUTF8 { u -> String? in
            let underscore = UInt8(ascii: "_")
            guard u.count >= 16, u[0] == UInt8(ascii: "s"), u[1] == UInt8(ascii: "t"), u[2] == underscore, u[15] == underscore
            else { return nil }
            let middle = UnsafeBufferPointer(rebasing: u[3..<15])
            guard !middle.contains(underscore) else { return nil }
            return "tok_" + String(decoding: middle, as: UTF8.self)
        }
    }

    /// The entry for record `id`, from records re-read when the file changed (checked at most
    /// once a second), so a revocation takes effect within a second.
    private func entry(_ id: String, nowMs: Int64) -> Entry? {
        let (fresh, entry) = cache.withLock { c in (c.loadedMtime >= 0 && nowMs - c.checkedMs < 1000, c.byID[id]) }
        if fresh { return entry }
        return currentRecords(nowMs: nowMs)[id]
    }

    /// Records by id, re-read when the file changed.
    private func currentRecords(nowMs: Int64) -> [String: Entry] {
        let snapshot = cache.withLock { $0 }
        let mtime = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)?
            .timeIntervalSince1970 ?? 0
        if snapshot.loadedMtime >= 0, mtime == snapshot.loadedMtime {
            cache.withLock { $0.checkedMs = nowMs }
            return snapshot.byID
        }
        let records = (try? read().tokens) ?? []
        let byID = Dictionary(records.map { ($0.id, Entry($0)) }, uniquingKeysWith: { _, b in b })
        cache.withLock { $0 = (mtime, nowMs, byID) }
        return byID
    }

    /// Forces the next authentication to re-read the file.
    public func invalidate() {
        cache.withLock { $0 = (-1, 0, [:]) }
    }

    // MARK: File handling

    private func read() throws -> File {
        guard FileManager.default.fileExists(atPath: path) else { return File() }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw TokenStoreError("\(path): not a token file (\(error.localizedDescription))")
        }
    }

    /// Read-modify-write under an exclusive lock, replacing the file atomically (mode 0600).
    private func modify(_ change: (inout File) throws -> Void) throws {
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TokenStoreError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw TokenStoreError("cannot lock \(lockPath)") }
        defer { flock(fd, LOCK_UN) }
        var file = try read()
        try change(&file)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(file)
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw TokenStoreError("cannot write \(tmp)")
        }
        guard rename(tmp, path) == 0 else { throw TokenStoreError("cannot replace \(path): \(String(cString: strerror(errno)))") }
        invalidate()
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                var diff: UInt8 = 0
                for i in 0..<x.count { diff |= x[i] ^ y[i] }
                return diff == 0
            }
        }
    }
}

/// A token file problem, said plainly (never containing a token).
public struct TokenStoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
