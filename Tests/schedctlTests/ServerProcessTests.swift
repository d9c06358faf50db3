import Dispatch
import Foundation
import SchedulerClient
import Synchronization
import TLS
import TestSupport
import Transport
import Testing
import WireProtocol

/// The schedulerd binary run as a process in dev mode, with its stderr collected.
final class ServerProcess: @unchecked Sendable {
    // `process` and `dir` are set once; `log` is behind a Mutex (written by the pipe's handler).
    let process = Process()
    let dir: URL
    private let log = LogBox()

    final class LogBox: Sendable {
        let text = Mutex<String>("")
    }

    static let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("schedulerd")

    /// `launcher`: a command that runs schedulerd (its path and arguments, e.g. `taskset -c 0`);
    /// none by default.
    init(dir: URL, arguments: [String] = [], launcher: [String] = []) throws {
        self.dir = dir
        let serve = ["serve", "--listen", "127.0.0.1:0", "--log-level", "debug"] + arguments
        if let tool = launcher.first {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = launcher.dropFirst() + [Self.binary.path] + serve
        } else {
            process.executableURL = Self.binary
            process.arguments = serve
        }
        process.currentDirectoryURL = dir
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        err.fileHandleForReading.readabilityHandler = { [log] h in
            let data = h.availableData
            if !data.isEmpty { log.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
    }

    /// A new empty directory under the temporary directory, named `prefix-UUID`, for one test's
    /// server (the test removes it).
    static func scratchDirectory(_ prefix: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts the process (off the cooperative pool: the launch may wait at ProcessGate).
    static func start(dir: URL, arguments: [String] = [], launcher: [String] = []) async throws -> ServerProcess {
        let server = try ServerProcess(dir: dir, arguments: arguments, launcher: launcher)
        try await ProcessGate.runAsync(server.process)
        return server
    }

    var output: String { log.text.withLock { $0 } }

    /// Waits (polling the collected log, bounded) until `text` appears.
    func waitFor(_ text: String, seconds: Double = 30) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while !output.contains(text) {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw CLIServer.CLIError(message: "\"\(text)\" not seen; log:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits (bounded) for a whole log line containing `text`, and returns it. `waitFor` alone can
    /// return while the line is still arriving: the pipe may hand over its first half.
    func line(containing text: String, seconds: Double = 30) async throws -> String {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while true {
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // the last is unfinished
            if let line = lines.first(where: { $0.contains(text) }) { return String(line) }
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw CLIServer.CLIError(message: "no whole line with \"\(text)\"; log:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The port from the "listening listen=127.0.0.1:PORT" log line.
    func port() async throws -> Int {
        try await waitFor("listening")
        let line = output.split(separator: "\n").first { $0.contains("listening") }!
        let value = line.split(separator: " ").first { $0.hasPrefix("listen=") }!
        return Int(value.split(separator: ":").last!)!
    }

    func client() throws -> SchedulerClient {
        var config = SchedulerClientConfiguration()
        config.caFile = dir.appendingPathComponent(".scheduler/ca.pem").path
        config.token = try String(contentsOf: dir.appendingPathComponent(".scheduler/admin.token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        config.retry.maxAttempts = 1
        return try SchedulerClient(configuration: config)
    }

    /// Starts a server, waits for its "serving … store=sqlite …" line, stops it (expecting a clean
    /// exit) and returns that line.
    static func servingLine(dir: URL, arguments: [String] = [], launcher: [String] = []) async throws -> String {
        let server = try await start(dir: dir, arguments: arguments, launcher: launcher)
        let line = try await server.line(containing: "store=sqlite")
        server.process.interrupt()
        #expect(await server.waitForExit() == 0, "\(arguments): \(server.output)")
        return line
    }

    func waitForExit(seconds: Double = 30) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }
}

@Suite("schedulerd as a process: dev mode, SIGHUP, SIGTERM", .timeLimit(.minutes(3)))
struct ServerProcessTests {
    @Test("SIGHUP reloads certificates with a connection open; SIGTERM drains calls in flight and loses none")
    func signals() async throws {
        let dir = try ServerProcess.scratchDirectory("proc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await ServerProcess.start(dir: dir)
        try await server.waitFor("DEV MODE")
        let port = try await server.port()
        var config = try server.client().configuration
        config.address = "127.0.0.1:\(port)"
        let client = try SchedulerClient(configuration: config)
        #expect(try await client.health() == .serving)

        // Reload: a new server certificate from the dev CA, then SIGHUP.
        let caPEM = try String(contentsOf: dir.appendingPathComponent(".scheduler/ca.pem"), encoding: .utf8)
        let caKey = try String(contentsOf: dir.appendingPathComponent(".scheduler/ca.key"), encoding: .utf8)
        let fresh = try CertificateAuthority(root: CertificateAndKey(certificatePEM: caPEM, privateKeyPEM: caKey))
            .issue(commonName: "localhost-reloaded", usage: .server, dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        try fresh.certificatePEM.write(to: dir.appendingPathComponent(".scheduler/server.pem"), atomically: true, encoding: .utf8)
        try fresh.privateKeyPEM.write(to: dir.appendingPathComponent(".scheduler/server.key"), atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        try await server.waitFor("TLS certificates reloaded")
        #expect(try await client.health() == .serving, "the open connection survives the reload")
        let second = try SchedulerClient(configuration: config)
        #expect(try await second.health() == .serving, "a new connection uses the new certificate")

        // Drain: 40 enqueues in flight when SIGTERM arrives. Every call either succeeded or was
        // refused as not sent; exactly the successful ones are in the database afterwards.
        let outcomes = try await withThrowingTaskGroup(of: (String, Bool).self) { group in
            for i in 0..<40 {
                group.addTask {
                    var r = V1Enqueue.make(i)
                    r.idempotencyKey = "drain-\(i)"
                    do {
                        _ = try await client.enqueue(r)
                        return ("drain-\(i)", true)
                    } catch let error as SchedulerError {
                        #expect(error.code == .unavailable, "\(error)")
                        return ("drain-\(i)", false)
                    }
                }
                if i == 10 { kill(server.process.processIdentifier, SIGTERM) }
            }
            var all: [(String, Bool)] = []
            for try await o in group { all.append(o) }
            return all
        }
        #expect(await server.waitForExit() == 0)
        #expect(server.output.contains("stopped calls.abandoned=0"))
        let succeeded = outcomes.filter { $0.1 }.count

        // Restart on the same dev directory and count what was stored.
        let again = try await ServerProcess.start(dir: dir)
        let port2 = try await again.port()
        config.address = "127.0.0.1:\(port2)"
        let checker = try SchedulerClient(configuration: config)
        var list = SchedulerV1.ListRequest(projectID: "drain")
        list.limit = 100
        let stored = try await checker.list(list).pagination.total
        #expect(Int(stored) == succeeded, "acknowledged \(succeeded), stored \(stored)")
        kill(again.process.processIdentifier, SIGTERM)
        #expect(await again.waitForExit() == 0)
    }
}

enum V1Enqueue {
    static func make(_ i: Int) -> SchedulerV1.EnqueueRequest {
        var r = SchedulerV1.EnqueueRequest(projectID: "drain", contentID: "c\(i)", platforms: ["FACEBOOK"])
        r.localTime = "2031-01-0\(1 + i % 9)T\(10 + i % 10):\(10 + i):00"
        r.timezone = "UTC"
        return r
    }
}

@Suite("schedulerd's config file", .timeLimit(.minutes(3)))
struct ServerConfigFileTests {
    @Test("platforms are a configured set: the config file adds one; an unknown one is refused; a bad name stops start-up")
    func configuredPlatforms() async throws {
        let dir = try ServerProcess.scratchDirectory("conf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try #"{"platforms": {"Mastodon": 60}, "projectPlatforms": {"blog": {"bluesky": 30}}, "leaseGraceAfterStartSeconds": 120}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
        let port = try await server.port()
        var settings = try server.client().configuration
        settings.address = "127.0.0.1:\(port)"
        let client = try SchedulerClient(configuration: settings)
        func enqueue(_ project: String, _ platform: String, _ i: Int = 0) async throws -> SchedulerV1.EnqueueResponse {
            var r = V1Enqueue.make(i)
            r.projectID = project
            r.platforms = [platform]
            return try await client.enqueue(r)
        }
        #expect(try await enqueue("blog", "mastodon").schedule.platforms == ["MASTODON"])
        #expect(try await enqueue("blog", "Blue-Sky", 1).schedule.platforms == ["BLUESKY"])
        for (project, platform) in [("news", "bluesky"), ("blog", "myspace")] {
            await #expect {
                _ = try await enqueue(project, platform)
            } throws: { error in
                (error as? SchedulerError)?.code == .invalidArgument && (error as? SchedulerError)?.field == "enqueue.platforms[0]"
            }
        }
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit() == 0)

        try #"{"platforms": {"my space!": 10}}"#.write(to: config, atomically: true, encoding: .utf8)
        let refused = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
        #expect(await refused.waitForExit() == 2)
        #expect(refused.output.contains("my space!"))
    }

    @Test("capacity and retention come from the config file: a project's limit refuses the Enqueue past it")
    func capacityFromTheConfigFile() async throws {
        let dir = try ServerProcess.scratchDirectory("conf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        try #"{"capacity": {"maxPendingPerProject": 0, "projects": {"blog": 1}}, "retention": {"finishedScheduleDays": 7, "dailyMetricsDays": 0, "batchSize": 100}}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let server = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
        let port = try await server.port()
        var settings = try server.client().configuration
        settings.address = "127.0.0.1:\(port)"
        let client = try SchedulerClient(configuration: settings)
        var r = V1Enqueue.make(0)
        r.projectID = "blog"
        _ = try await client.enqueue(r)
        r = V1Enqueue.make(1)
        r.projectID = "blog"
        await #expect {
            _ = try await client.enqueue(r)
        } throws: { error in
            (error as? SchedulerError)?.code == .resourceExhausted
                && (error as? SchedulerError)?.message.contains("1 pending schedules") == true
                && (error as? SchedulerError)?.message.contains("limit of 1") == true
        }
        r.projectID = "news"
        _ = try await client.enqueue(r)
        let stats = try await client.stats(SchedulerV1.StatsRequest(projectID: "blog"))
        #expect(stats.pendingSchedules == 1 && stats.maxPendingSchedules == 1)
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit() == 0)
    }

    @Test("a limit of zero, or a key the server does not know, is refused at start-up, naming the key")
    func zeroLimits() async throws {
        let dir = try ServerProcess.scratchDirectory("conf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.json")
        for (json, key) in [
            (#"{"limits": {"ratePerSecond": 0}}"#, "limits.ratePerSecond"),
            (#"{"limits": {"unauthenticatedRateBurst": 0.5}}"#, "limits.unauthenticatedRateBurst"),
            (#"{"limits": {"maxConnections": -1}}"#, "limits.maxConnections"),
            (#"{"dispatch": {"maxInFlightPerProject": 0}}"#, "dispatch.maxInFlightPerProject"),
            (#"{"limts": {"ratePerSecond": 5}}"#, #"unknown key "limts""#),
            (#"{"limits": {"ratePerSec": 5}}"#, #"unknown key "limits.ratePerSec""#),
            (#"{"retention": {"finishedScheduleDays": -1}}"#, "retention.finishedScheduleDays"),
            (#"{"retention": {"batchSize": 501}}"#, "retention.batchSize"),
            (#"{"retention": {"keepDays": 5}}"#, #"unknown key "retention.keepDays""#),
            (#"{"capacity": {"maxPendingPerProject": -1}}"#, "capacity.maxPendingPerProject"),
            (#"{"capacity": {"projects": {"blog": -5}}}"#, "capacity.projects.blog"),
        ] {
            try json.write(to: config, atomically: true, encoding: .utf8)
            let server = try await ServerProcess.start(dir: dir, arguments: ["--config", config.path])
            #expect(await server.waitForExit() == 2, "\(json)")
            #expect(server.output.contains(key), "\(json): \(server.output)")
        }
    }

    @Test("schedulerd runs on the jemalloc it links, and its start-up line says so")
    func allocator() async throws {
        let dir = try ServerProcess.scratchDirectory("malloc")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await ServerProcess.start(dir: dir, arguments: [])
        let line = try await server.line(containing: "store=sqlite")
        // "jemalloc X.Y.Z" only when a malloc from the process lands in jemalloc's own count.
        #expect(line.contains("allocator=jemalloc 5."), "\(line)")
        server.process.interrupt()
        #expect(await server.waitForExit() == 0)
    }

    @Test("--writer-cpu: auto pins SQLite's writer and says where, off does not, a bad value or a CPU the process may not use stops start-up")
    func writerCPU() async throws {
        let dir = try ServerProcess.scratchDirectory("cpu")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (arguments, expected) in [([String](), "writer on CPU"), (["--writer-cpu", "off"], "writer not pinned")] {
            let line = try await ServerProcess.servingLine(dir: dir, arguments: arguments)
            if arguments.isEmpty && ProcessInfo.processInfo.activeProcessorCount < 2 {
                #expect(line.contains("writer not pinned"), "one CPU: \(line)")
            } else {
                #expect(line.contains(expected), "\(arguments): \(line)")
            }
        }
        for (arguments, status, text) in [
            (["--writer-cpu", "fast"], Int32(2), "--writer-cpu: expected auto, off or a CPU number"),
            (["--writer-cpu=-3"], 2, "--writer-cpu: expected auto, off or a CPU number"),
            (["--writer-cpu", "100000"], 1, "writerCPU: CPU 100000 is not one this process may run on"),
        ] {
            let server = try await ServerProcess.start(dir: dir, arguments: arguments)
            #expect(await server.waitForExit() == status, "\(arguments): \(server.output)")
            #expect(server.output.contains(text), "\(arguments): \(server.output)")
        }
        // A process allowed one CPU (taskset, util-linux: Debian's essential set) leaves its
        // writer unpinned, and refuses any other CPU, naming the one it has.
        let taskset = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: taskset))
        let one = try await ServerProcess.start(dir: dir, launcher: [taskset, "-c", "0"])
        let oneLine = try await one.line(containing: "store=sqlite")
        #expect(oneLine.contains("writer not pinned"), "\(one.output)")
        one.process.interrupt()
        #expect(await one.waitForExit() == 0)
        let other = try await ServerProcess.start(dir: dir, arguments: ["--writer-cpu", "1"], launcher: [taskset, "-c", "0"])
        #expect(await other.waitForExit() == 1, "\(other.output)")
        #expect(other.output.contains("writerCPU: CPU 1 is not one this process may run on (it may use 0)"), "\(other.output)")
    }

    @Test("--wal-size-limit: 512 MiB unless given, in MiB from 1 to 65536, anything else stops start-up, and PostgreSQL refuses it")
    func walSizeLimit() async throws {
        let dir = try ServerProcess.scratchDirectory("wal")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (arguments, expected) in [([String](), "WAL up to 512 MiB"), (["--wal-size-limit", "64"], "WAL up to 64 MiB")] {
            let line = try await ServerProcess.servingLine(dir: dir, arguments: arguments)
            #expect(line.contains(expected), "\(arguments): \(line)")
        }
        for arguments in [["--wal-size-limit", "0"], ["--wal-size-limit", "65537"], ["--wal-size-limit", "1GiB"]] {
            let server = try await ServerProcess.start(dir: dir, arguments: arguments)
            #expect(await server.waitForExit() == 2, "\(arguments): \(server.output)")
            #expect(server.output.contains("--wal-size-limit: expected MiB, 1…65536"), "\(arguments): \(server.output)")
            #expect(!server.output.contains("DEV MODE"), "refused before dev mode is set up: \(server.output)")
        }
        // SQLite's setting: a PostgreSQL-backed node refuses it before it connects.
        let pg = try await ServerProcess.start(
            dir: dir, arguments: ["--store", "postgres", "--postgres-url", "postgresql://127.0.0.1:1/none", "--wal-size-limit", "64"])
        #expect(await pg.waitForExit() == 2, "\(pg.output)")
        #expect(pg.output.contains("--wal-size-limit is SQLite's"), "\(pg.output)")
    }

    @Test("--event-loops: auto leaves the pinned writer's CPU to it, a number is taken as given, a bad value stops start-up")
    func eventLoops() async throws {
        let dir = try ServerProcess.scratchDirectory("loops")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cpus = EventLoopGroup.allowedCPUCount
        let taskset = "/usr/bin/taskset"
        try #require(FileManager.default.isExecutableFile(atPath: taskset))
        for (arguments, launcher, expected) in [
            // The writer is pinned when the process may use two CPUs or more: the loops get the rest.
            ([String](), [String](), cpus >= 2 ? cpus - 1 : 1),
            (["--writer-cpu", "off"], [], cpus),
            (["--event-loops", "3"], [], 3),
            ([], [taskset, "-c", "0"], 1),  // one CPU: the writer is not pinned, one loop
        ] {
            let server = try await ServerProcess.start(dir: dir, arguments: arguments, launcher: launcher)
            let line = try await server.line(containing: "store=sqlite")
            #expect(line.split(separator: " ").contains("event_loops=\(expected)"), "\(arguments) \(launcher): \(line)")
            // The server answers on its loops: more connections than loops, each gets one.
            var config = try server.client().configuration
            config.address = "127.0.0.1:\(try await server.port())"
            config.connections = 4
            let client = try SchedulerClient(configuration: config)
            for _ in 0..<8 { #expect(try await client.health() == .serving) }
            await client.close()
            server.process.interrupt()
            #expect(await server.waitForExit() == 0)
        }
        for bad in ["0", "257", "many", "-1"] {
            let server = try await ServerProcess.start(dir: dir, arguments: ["--event-loops=\(bad)"])
            #expect(await server.waitForExit() == 2, "\(bad): \(server.output)")
            #expect(server.output.contains("--event-loops: expected auto or a number 1…256"), "\(bad): \(server.output)")
        }
    }
}

@Suite("schedctl's credentials", .timeLimit(.minutes(3)))
struct CredentialChoiceTests {
    @Test("a client certificate is the identity: the dev admin token of ./.scheduler/ is not sent with it; --token \"\" sends none")
    func certificateWithoutTheDevToken() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        let serverDir = base.appendingPathComponent("server")
        let clientDir = base.appendingPathComponent("client")
        try FileManager.default.createDirectory(at: serverDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: clientDir.appendingPathComponent(".scheduler"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        let dev = serverDir.appendingPathComponent(".scheduler")
        let config = serverDir.appendingPathComponent("config.json")
        try #"{"identities": [{"identity": "spiffe://scheduler.dev/client", "projects": ["blog"], "admin": false}]}"#
            .write(to: config, atomically: true, encoding: .utf8)
        // Dev mode writes the CA first: start once to create it, then with mutual TLS on.
        let first = try await ServerProcess.start(dir: serverDir)
        _ = try await first.port()
        kill(first.process.processIdentifier, SIGTERM)
        #expect(await first.waitForExit() == 0)
        let server = try await ServerProcess.start(
            dir: serverDir, arguments: ["--config", config.path, "--client-ca", dev.appendingPathComponent("ca.pem").path])
        let port = try await server.port()
        // Another project's leftover dev token in the working directory: a token the server does not know.
        try "st_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            .write(to: clientDir.appendingPathComponent(".scheduler/admin.token"), atomically: true, encoding: .utf8)
        let common = ["--server", "127.0.0.1:\(port)", "--ca", dev.appendingPathComponent("ca.pem").path]
        let mtls = ["--cert", dev.appendingPathComponent("client.pem").path, "--key", dev.appendingPathComponent("client.key").path]
        let listed = try await CLI.runAsync(["list", "--project", "blog"] + common + mtls, directory: clientDir)
        #expect(listed.status == 0, "stderr: \(listed.stderr)")
        let bare = try await CLI.runAsync(["list", "--project", "blog", "--token", ""] + common + mtls, directory: clientDir)
        #expect(bare.status == 0, "stderr: \(bare.stderr)")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(await server.waitForExit() == 0)
    }
}
