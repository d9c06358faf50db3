import SchedulingCore
import Synchronization

/// A signed-in browser: the bearer token it signed in with and the CSRF token its forms carry.
///
/// The token never leaves the console: the browser holds only the session id, in an HttpOnly
/// cookie. Every call to schedulerd carries this token, so the console can do exactly what the
/// token may do.
public struct ConsoleSession: Sendable, Hashable {
    /// The cookie's value: 256 random bits, hex.
    public var id: String
    /// The bearer token, sent on every call made for this session.
    public var token: String
    /// The anti-CSRF token: 256 random bits, hex, required on every state-changing request
    /// (a form field `csrf` or the `x-csrf-token` header).
    public var csrf: String
    /// The project shown after sign-in.
    public var project: String
    /// When the session was last used; it ends after ``SessionStore/idleTimeoutSeconds`` idle.
    public var lastUsed: Instant
}

/// The console's sessions, in memory (a restart signs everyone out), bounded in number and idle
/// time, on an injected clock.
public final class SessionStore: Sendable {
    private let sessions = Mutex<[String: ConsoleSession]>([:])
    private let clock: any WallClock
    /// Idle seconds after which a session ends. Default 12 hours.
    public let idleTimeoutSeconds: Int64
    /// Sessions kept at most; the least recently used one goes first. Default 1000.
    public let capacity: Int

    /// An empty store.
    public init(clock: any WallClock, idleTimeoutSeconds: Int64 = 12 * 3600, capacity: Int = 1000) {
        self.clock = clock
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.capacity = max(1, capacity)
    }

    /// Starts a session for `token`.
    public func create(token: String, project: String) -> ConsoleSession {
        let now = clock.now()
        let session = ConsoleSession(id: Self.randomHex(), token: token, csrf: Self.randomHex(), project: project, lastUsed: now)
        sessions.withLock { all in
            all = all.filter { now.milliseconds(since: $0.value.lastUsed) < idleTimeoutSeconds * 1000 }
            if all.count >= capacity, let oldest = all.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                all[oldest.key] = nil
            }
            all[session.id] = session
        }
        return session
    }

    /// The live session with this id, marked used now; nil when unknown or idle too long.
    public func session(id: String) -> ConsoleSession? {
        let now = clock.now()
        return sessions.withLock { all in
            guard var s = all[id] else { return nil }
            guard now.milliseconds(since: s.lastUsed) < idleTimeoutSeconds * 1000 else {
                all[id] = nil
                return nil
            }
            s.lastUsed = now
            all[id] = s
            return s
        }
    }

    /// Ends a session (sign-out).
    public func remove(id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Sessions held now (live or not yet swept).
    public var count: Int { sessions.withLock { $0.count } }

    /// 32 bytes from the system's CSPRNG, as 64 hex digits.
    static func randomHex() -> String {
        var g = SystemRandomNumberGenerator()
        var out = ""
        out.reserveCapacity(64)
        for _ in 0..<4 {
            let v = g.next() as UInt64
            let hex = String(v, radix: 16)
            out += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return out
    }

    /// Compares two secrets in time independent of where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
