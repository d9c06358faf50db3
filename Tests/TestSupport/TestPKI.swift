import Foundation
import TLS

/// Certificates made at test time in a temporary directory: a CA, a server certificate for
/// localhost / 127.0.0.1 / ::1 and a client certificate with a URI SAN. No key is ever committed.
public struct TestPKI: Sendable {
    public let dir: URL
    public let ca: CertificateAuthority
    public let caFile: String
    public let serverCert: String
    public let serverKey: String
    public let clientCert: String
    public let clientKey: String
    /// The client certificate's URI SAN.
    public let clientURI: String

    public init(name: String = "test", clientURI: String = "spiffe://test/worker") throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        ca = try CertificateAuthority.create(commonName: "\(name) CA")
        let server = try ca.issue(commonName: "localhost", usage: .server, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
        let client = try ca.issue(commonName: "worker-1", usage: .client, uris: [clientURI])
        self.clientURI = clientURI
        caFile = try Self.write(dir, "ca.pem", ca.root.certificatePEM)
        serverCert = try Self.write(dir, "server.pem", server.certificatePEM)
        serverKey = try Self.write(dir, "server.key", server.privateKeyPEM)
        clientCert = try Self.write(dir, "client.pem", client.certificatePEM)
        clientKey = try Self.write(dir, "client.key", client.privateKeyPEM)
    }

    /// Writes `text` to `dir/name` and returns the path.
    public static func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Writes a file into this PKI's directory.
    public func write(_ name: String, _ text: String) throws -> String { try Self.write(dir, name, text) }

    /// A server context for ALPN `scheduler/1` (optionally requiring client certificates).
    public func serverContext(mutualTLS: Bool = false) throws -> TLSContext {
        try TLSContext(configuration: .server(certificateChainFile: serverCert, privateKeyFile: serverKey, clientCAFile: mutualTLS ? caFile : nil, alpnProtocols: ["scheduler/1"]))
    }

    /// A client context trusting this CA, checking `serverName`.
    public func clientContext(serverName: String = "localhost", withCertificate: Bool = false, alpn: [String] = ["scheduler/1"]) throws -> TLSContext {
        try TLSContext(configuration: .client(
            trustRootsFile: caFile, serverName: serverName, certificateChainFile: withCertificate ? clientCert : nil,
            privateKeyFile: withCertificate ? clientKey : nil, alpnProtocols: alpn))
    }

    /// Removes the directory.
    public func cleanup() { try? FileManager.default.removeItem(at: dir) }
}
