import Foundation
import PostgreSQL

/// How ``PostgresStore`` reaches its database. The schedules' rules (conflicts, retries, clock)
/// stay in ``StoreConfiguration``, shared with SQLite.
public struct PostgresStoreConfiguration: Sendable {
    /// A libpq connection string: `postgresql://user@host:5432/db?sslmode=verify-full&sslrootcert=ca.pem`
    /// or `host=… dbname=…`. Its password may come from ``passwordFile``, `PGPASSWORD` or a libpq
    /// password file instead. Never logged (the store logs a redacted form).
    public var url: String
    /// A file holding the password (first line; a trailing newline is ignored). It wins over a
    /// password in ``url``.
    public var passwordFile: String?
    /// Connections, each on a thread of its own: calls run on as many at once. Default 8.
    public var poolSize: Int = 8
    /// How long one connection attempt may take. Default 5 s.
    public var connectTimeoutSeconds: Int = 5
    /// The longest a statement may run (`statement_timeout`). Default 30 s.
    public var statementTimeoutMilliseconds: Int = 30_000
    /// The longest a statement may wait for a lock (`lock_timeout`), e.g. a project's lock held by
    /// another node's stuck transaction. Default 10 s.
    public var lockTimeoutMilliseconds: Int = 10_000
    /// How many times a transaction that PostgreSQL aborted for a serialization failure or a
    /// deadlock (40001, 40P01) is run again before the call fails with `unavailable`. Default 5.
    public var maxTransactionRetries: Int = 5
    /// The schema holding the tables (`search_path`); nil: the connection's default (`public`).
    /// Created when missing. Lets several deployments (or tests) share one database.
    public var schema: String?
    /// Shown in `pg_stat_activity` as `scheduler:<schema>:<nodeID>`; also how a starting node
    /// sees that other nodes are running (``PostgresStore/extendLeases(until:)``). Default random.
    public var nodeID: String = UUID().uuidString.prefix(8).lowercased()

    /// A configuration for the database at `url`, every other setting at its default.
    public init(url: String) {
        self.url = url
    }

    /// The schema's name must be a plain identifier (it is spliced into SQL).
    func checkedSchema() throws(StoreError) -> String {
        let name = schema ?? "public"
        guard !name.isEmpty, name.utf8.count <= 63,
            name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
            !(name.utf8.first! >= 48 && name.utf8.first! <= 57)
        else {
            throw StoreError(
                code: .failedPrecondition,
                message: "PostgreSQL schema \"\(name)\": lowercase letters, digits and _, at most 63, not starting with a digit")
        }
        return name
    }

    /// The password file's password (its first line), when one is given.
    func password() throws(StoreError) -> String? {
        guard let passwordFile else { return nil }
        guard let data = FileManager.default.contents(atPath: passwordFile),
            let text = String(data: data, encoding: .utf8)
        else {
            throw StoreError(code: .unavailable, message: "cannot read the PostgreSQL password file \(passwordFile)")
        }
        return text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
    }
}

extension PostgresStoreConfiguration {
    /// A connection string with its password (and other secrets) replaced by `***`, for logs.
    public static func redacted(_ url: String) -> String { PostgreSQL.Connection.redact(url) }
}
