import Foundation
import SchedulerServer
import TLS
import Testing

@Suite("Dev environment")
struct DevEnvironmentTests {
    @Test("creates CA, certificates and an admin token once; keys are private")
    func prepare() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dev-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let env = DevEnvironment(directory: dir)
        #expect(try env.prepare())
        #expect(try !env.prepare(), "a second run reuses what is there")
        for key in [env.caKey, env.serverKey, env.clientKey, env.adminTokenPath, env.tokensPath] {
            let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key)")
        }
        let token = try String(contentsOfFile: env.adminTokenPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(TokenStore(path: env.tokensPath).authenticate(token)?.isAdmin == true)
        // The certificates load into TLS contexts.
        _ = try TLSContext(configuration: .server(certificateChainFile: env.serverCertificate, privateKeyFile: env.serverKey, clientCAFile: env.caCertificate, alpnProtocols: ["scheduler/1"]))
        _ = try TLSContext(configuration: .client(trustRootsFile: env.caCertificate, serverName: "127.0.0.1", certificateChainFile: env.clientCertificate, privateKeyFile: env.clientKey, alpnProtocols: ["scheduler/1"]))
    }
}
