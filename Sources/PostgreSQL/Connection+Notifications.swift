internal import CPostgreSQL

#if canImport(Glibc)
    internal import Glibc
#elseif canImport(Darwin)
    internal import Darwin
#endif

extension Connection {
    /// A message sent with `NOTIFY channel, 'payload'` (or `pg_notify`) to a channel this
    /// connection listens on.
    public struct Notification: Sendable, Hashable {
        /// The channel.
        public var channel: String
        /// The payload ("" when none was given).
        public var payload: String
        /// The server process of the session that sent it (a session hears its own notifications too).
        public var senderPID: Int32
    }

    /// Starts listening on `channel` (`LISTEN`, with the name quoted as an identifier). Listening
    /// takes effect at commit when inside a transaction.
    public func listen(_ channel: String) throws(PostgreSQLError) {
        try execute("LISTEN \(try quotedIdentifier(channel))")
    }

    /// Stops listening on `channel`.
    public func unlisten(_ channel: String) throws(PostgreSQLError) {
        try execute("UNLISTEN \(try quotedIdentifier(channel))")
    }

    /// Sends `payload` to the listeners of `channel` (`pg_notify`): delivered when the
    /// transaction commits (at once outside one), once per distinct payload per transaction.
    public func notify(_ channel: String, payload: String = "") throws(PostgreSQLError) {
        try executeCached("SELECT pg_notify($1, $2)", [.text(channel), .text(payload)])
    }

    /// The next notification for a channel this connection listens on, waiting up to `timeout`
    /// for one (poll on the connection's socket); nil when none came. A zero timeout only
    /// collects what has already arrived. Notifications arrive between transactions only.
    public func nextNotification(timeout: Duration) throws(PostgreSQLError) -> Notification? {
        let conn = try conn()
        if let n = try takeNotification(conn) { return n }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return nil }
            let (seconds, attoseconds) = left.components
            let ms = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var pfd = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
            let rc = poll(&pfd, 1, ms)
            if rc < 0 && errno != EINTR {
                throw PostgreSQLError(
                    code: .connectionFailure, message: "poll on the connection's socket failed (errno \(errno))",
                    isConnectionError: true)
            }
            if let n = try takeNotification(conn) { return n }
        }
    }

    /// Reads what the socket holds and returns the first queued notification.
    private func takeNotification(_ conn: OpaquePointer) throws(PostgreSQLError) -> Notification? {
        guard PQconsumeInput(conn) == 1 else { throw connectionError(conn, sql: nil) }
        guard let p = PQnotifies(conn) else { return nil }
        defer { PQfreemem(p) }
        return Notification(
            channel: String(cString: p.pointee.relname),
            payload: p.pointee.extra.map { String(cString: $0) } ?? "",
            senderPID: p.pointee.be_pid)
    }

    /// `name` quoted as an SQL identifier by libpq (`PQescapeIdentifier`).
    func quotedIdentifier(_ name: String) throws(PostgreSQLError) -> String {
        let conn = try conn()
        let utf8 = Array(name.utf8)
        guard
            let p = utf8.withUnsafeBufferPointer({ b in
                b.withMemoryRebound(to: CChar.self) { PQescapeIdentifier(conn, $0.baseAddress, $0.count) }
            })
        else {
            throw PostgreSQLError(code: .invalidParameterValue, message: cleaned(PQerrorMessage(conn)))
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }
}
