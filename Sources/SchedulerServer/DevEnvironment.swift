import Foundation
import TLS

/// The dev mode's working directory (`./.scheduler/` by default): a database, a throwaway CA, a
/// server certificate for localhost / 127.0.0.1 / ::1, a client certificate, a token file and an
/// admin token (mode 0600). Created on first use and reused afterwards, so `schedctl` run from
/// the same directory finds everything it needs.
public struct DevEnvironment: Sendable {
    public let directory: String

    public var databasePath: String { directory + "/scheduler.db" }
    public var caCertificate: String { directory + "/ca.pem" }
    public var caKey: String { directory + "/ca.key" }
    public var serverCertificate: String { directory + "/server.pem" }
    public var serverKey: String { directory + "/server.key" }
    public var clientCertificate: String { directory + "/client.pem" }
    public var clientKey: String { directory + "/client.key" }
    public var tokensPath: String { directory + "/tokens.json" }
    public var adminTokenPath: String { directory + "/admin.token" }

    public init(directory: String = ".scheduler") {
        self.directory = directory
    }

    /// Whether the directory already holds a complete dev environment.
    public var exists: Bool {
        [caCertificate, serverCertificate, serverKey, clientCertificate, clientKey, adminTokenPath].allSatisfy {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// Creates whatever is missing. Returns true when it created the environment now.
    @discardableResult
    public func prepare() throws -> Bool {
        if exists { return false }
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Two servers started together in one directory (two nodes on PostgreSQL, say) must not
        // each make a CA: the second waits here, then finds the first one's files.
        let lockPath = directory + "/.prepare.lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TokenStoreError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw TokenStoreError("cannot lock \(lockPath)") }
        defer { flock(fd, LOCK_UN) }
        if exists { return false }
        let ca = try CertificateAuthority.create(commonName: "scheduler dev CA (do not trust in production)", days: 825)
        let server = try ca.issue(
            commonName: "localhost", usage: .server, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
        let client = try ca.issue(commonName: "dev-client", usage: .client, uris: ["spiffe://scheduler.dev/client"])
        try write(caCertificate, ca.root.certificatePEM, mode: 0o644)
        try write(caKey, ca.root.privateKeyPEM, mode: 0o600)
        try write(serverCertificate, server.certificatePEM, mode: 0o644)
        try write(serverKey, server.privateKeyPEM, mode: 0o600)
        try write(clientCertificate, client.certificatePEM, mode: 0o644)
        try write(clientKey, client.privateKeyPEM, mode: 0o600)
        let (token, _) = try TokenStore(path: tokensPath).create(projects: [], admin: true, note: "dev mode admin")
        try write(adminTokenPath, token + "\n", mode: 0o600)
        return true
    }

    private func write(_ path: String, _ text: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else { throw TokenStoreError("cannot write \(path)") }
    }
}
