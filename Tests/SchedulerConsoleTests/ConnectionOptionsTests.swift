import SchedulerCommandLine
import Testing

@Suite("Connection options shared by schedctl and scheduler-console")
struct ConnectionOptionsTests {
    let devFiles: Set<String> = [".scheduler/ca.pem", ".scheduler/admin.token", ".scheduler/client.pem", ".scheduler/client.key"]

    func resolve(_ args: [String], env: [String: String] = [:], files: Set<String>? = nil) throws -> ClientConnectionOptions.Resolved {
        let files = files ?? devFiles
        return try ClientConnectionOptions.parse(args).resolve(
            environment: env, fileExists: { files.contains($0) }, readFile: { _ in "st_dev\n" })
    }

    @Test func devDefaultsComeFromTheDotSchedulerDirectory() throws {
        let r = try resolve([])
        #expect(r.configuration.address == "127.0.0.1:7443")
        #expect(r.configuration.caFile == ".scheduler/ca.pem")
        #expect(r.configuration.certificateFile == ".scheduler/client.pem")
        #expect(r.configuration.token == "st_dev")
        #expect(r.tokenSource == .devDirectory)
    }

    @Test func flagsBeatTheEnvironmentWhichBeatsDevFiles() throws {
        let env = ["SCHEDULER_SERVER": "127.0.0.1:9443", "SCHEDULER_TOKEN": "st_env"]
        let fromEnv = try resolve([], env: env)
        #expect(fromEnv.configuration.address == "127.0.0.1:9443")
        #expect(fromEnv.tokenSource == .environment)
        let fromFlag = try resolve(["--server", "127.0.0.1:1", "--token", "st_flag", "--timeout", "2.5"], env: env)
        #expect(fromFlag.configuration.address == "127.0.0.1:1")
        #expect(fromFlag.configuration.token == "st_flag")
        #expect(fromFlag.tokenSource == .flag)
        #expect(fromFlag.configuration.defaultTimeout == .milliseconds(2500))
        let none = try resolve(["--token", ""])
        #expect(none.configuration.token == nil)
        #expect(none.tokenSource == ClientConnectionOptions.TokenSource.none)
    }

    @Test func aCertificateOfOwnReplacesTheDevTokenAndNeedsItsKey() throws {
        let r = try resolve(["--cert", "me.pem", "--key", "me.key"])
        #expect(r.configuration.token == nil)
        #expect(throws: ClientConnectionOptions.Problem.self) { try resolve(["--cert", "me.pem"], files: []) }
        #expect(throws: ClientConnectionOptions.Problem.self) { try resolve(["--timeout", "0"]) }
    }
}
