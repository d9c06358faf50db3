import ArgumentParser
import CoreMetrics
import Foundation
import Logging
import ScheduleStore
import SchedulerServer
import SchedulingCore
import TLS
import Synchronization
import Transport

/// `schedulerd serve`: the server. Every flag also reads SCHEDULER_<NAME> from the environment.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the scheduler over TLS (dev mode when no certificate is configured).")
    /// `--wal-size-limit`'s values, in MiB: the store's ``StoreConfiguration/walSizeLimitRange``.
    static let walSizeLimitMiB =
        (StoreConfiguration.walSizeLimitRange.lowerBound >> 20)...(StoreConfiguration.walSizeLimitRange.upperBound >> 20)

    @Option(help: "Address to listen on, HOST:PORT (env SCHEDULER_LISTEN; default 127.0.0.1:7443).") var listen: String?
    @Option(help: "SQLite database file (env SCHEDULER_DB; dev mode: .scheduler/scheduler.db).") var db: String?
    @Option(help: "Server certificate chain, PEM (env SCHEDULER_CERT).") var cert: String?
    @Option(help: "Server private key, PEM (env SCHEDULER_KEY).") var key: String?
    @Option(help: "CA for client certificates; turns on mutual TLS (env SCHEDULER_CLIENT_CA).") var clientCa: String?
    @Option(help: "Token file (env SCHEDULER_TOKENS; default next to the database: tokens.json).") var tokens: String?
    @Option(help: "JSON config file: identities, limits, dispatch (env SCHEDULER_CONFIG).") var config: String?
    @Option(help: "trace, debug, info, notice, warning, error (env SCHEDULER_LOG_LEVEL; default info).") var logLevel: String?
    @Option(help: "text or json (env SCHEDULER_LOG_FORMAT; default text).") var logFormat: String?
    @Option(help: "Plain HTTP /healthz, /readyz and /metrics on HOST:PORT (env SCHEDULER_HEALTH_LISTEN; off by default).") var healthListen: String?
    @Option(help: "SQLite synchronous mode: normal or full (env SCHEDULER_SYNCHRONOUS; default normal).") var synchronous: String?
    @Option(help: "SQLite's writer thread: auto (pinned to the last CPU this process may use, when it may use two or more; the default), off (not pinned), or a CPU number (env SCHEDULER_WRITER_CPU).") var writerCpu: String?
    @Option(help: "How large SQLite's WAL file may grow, in MiB, \(Self.walSizeLimitMiB.lowerBound)…\(Self.walSizeLimitMiB.upperBound): a checkpoint starts it over at 7/8 of it, holding writes for a few milliseconds each time (env SCHEDULER_WAL_SIZE_LIMIT; default 512).") var walSizeLimit: String?
    @Option(help: "Threads serving the TLS connections: auto (the CPUs this process may use, less the one SQLite's writer is pinned to; at least 1; the default) or a number 1…256 (env SCHEDULER_EVENT_LOOPS).") var eventLoops: String?
    @Option(help: "sqlite (one node; the default) or postgres (several nodes share one database) (env SCHEDULER_STORE).") var store: String?
    @Option(help: "PostgreSQL connection string, libpq URL or key=value (env SCHEDULER_POSTGRES_URL); never logged. Prefer the env or a password file for the password: flags show in ps.") var postgresUrl: String?
    @Option(help: "File holding the PostgreSQL password, first line (env SCHEDULER_POSTGRES_PASSWORD_FILE). PGPASSWORD and ~/.pgpass work too.") var postgresPasswordFile: String?
    @Option(help: "PostgreSQL schema holding the tables (env SCHEDULER_POSTGRES_SCHEMA; default public).") var postgresSchema: String?
    @Option(help: "PostgreSQL connections of this node (env SCHEDULER_POSTGRES_POOL_SIZE; default 8).") var postgresPoolSize: String?
    @Option(help: "Dev mode directory (env SCHEDULER_DEV_DIR; default .scheduler).") var devDir: String?

    func run() async throws {
        // Signals first: one that arrives during the start-up below (configuration, dev-mode
        // files, the store's first load, seconds per million schedules) is acted on once the
        // server is up. Until this line a signal has whatever action the process inherited; a
        // background job of a script inherits SIGINT ignored.
        let signals: ProcessSignals
        do { signals = try ProcessSignals([SIGHUP, SIGINT, SIGTERM]) } catch { fail("signals: \(error)") }

        // Settings: flag, then environment, then default.
        let level = setting(logLevel, "SCHEDULER_LOG_LEVEL", default: "info")!
        guard let logLevelValue = Logger.Level(rawValue: level) else { fail("--log-level: unknown level \"\(level)\"", code: 2) }
        let format = setting(logFormat, "SCHEDULER_LOG_FORMAT", default: "text")!
        guard let formatValue = LineLogHandler.Format(rawValue: format) else { fail("--log-format: expected text or json", code: 2) }
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: formatValue, logLevel: logLevelValue) }
        let logger = Logger(label: "schedulerd")
        // Metrics: every metric is made from this endpoint's factory (Prometheus); it is also the
        // process's swift-metrics backend, for any library that records through the global API.
        let metrics = MetricsEndpoint(logger: logger)
        MetricsSystem.bootstrap(metrics.factory)

        // Each connection is a descriptor: raise the soft limit to the hard one (logged below).
        var files = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
            files.rlim_cur = files.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &files)
        }

        let listenText = setting(listen, "SCHEDULER_LISTEN", default: "127.0.0.1:7443")!
        let address: SocketAddress
        do { address = try SocketAddress.parse(listenText) } catch { fail("--listen: \(error)", code: 2) }
        let fileConfig: ServerFileConfig
        do { fileConfig = try ServerFileConfig.load(setting(config, "SCHEDULER_CONFIG")) } catch { fail("--config: \(error)", code: 2) }
        var alertPolicy = AlertPolicy()
        var alertDispatch = AlertDispatcher.Configuration()
        if let section = fileConfig.alerts {
            do { (alertPolicy, alertDispatch) = try section.resolve() } catch { fail("--config: \(error)", code: 2) }
        }

        let loopSetting = setting(eventLoops, "SCHEDULER_EVENT_LOOPS", default: "auto")!
        var loopCount: Int?
        if loopSetting != "auto" {
            guard let n = Int(loopSetting), (1...256).contains(n) else { fail("--event-loops: expected auto or a number 1…256", code: 2) }
            loopCount = n
        }

        var walLimitMiB: Int?
        if let text = setting(walSizeLimit, "SCHEDULER_WAL_SIZE_LIMIT") {
            let range = Self.walSizeLimitMiB
            guard let mib = Int(text), range.contains(mib) else {
                fail("--wal-size-limit: expected MiB, \(range.lowerBound)…\(range.upperBound)", code: 2)
            }
            walLimitMiB = mib
        }

        let storeKind = setting(store, "SCHEDULER_STORE", default: "sqlite")!
        guard storeKind == "sqlite" || storeKind == "postgres" else { fail("--store: expected sqlite or postgres", code: 2) }
        let onPostgres = storeKind == "postgres"
        var certFile = setting(cert, "SCHEDULER_CERT")
        var keyFile = setting(key, "SCHEDULER_KEY")
        var dbPath = setting(db, "SCHEDULER_DB")
        var tokensPath = setting(tokens, "SCHEDULER_TOKENS")
        let clientCAFile = setting(clientCa, "SCHEDULER_CLIENT_CA")
        if (certFile == nil) != (keyFile == nil) { fail("--cert and --key go together", code: 2) }
        if certFile == nil {
            let dev = DevEnvironment(directory: setting(devDir, "SCHEDULER_DEV_DIR", default: ".scheduler")!)
            let created: Bool
            do { created = try dev.prepare() } catch { fail("dev mode: \(error)") }
            certFile = dev.serverCertificate
            keyFile = dev.serverKey
            if !onPostgres { dbPath = dbPath ?? dev.databasePath }
            tokensPath = tokensPath ?? dev.tokensPath
            let banner = """

                ================================ DEV MODE ================================
                 No certificate configured: serving with a throwaway CA from \(dev.directory)/
                 (\(created ? "created now" : "reused")). NOT FOR PRODUCTION.
                   CA certificate  \(dev.caCertificate)
                   admin token     \(dev.adminTokenPath)   (mode 0600)
                   client cert     \(dev.clientCertificate) / \(dev.clientKey)
                 schedctl run from this directory picks these up automatically.
                ==========================================================================

                """
            FileHandle.standardError.write(Data(banner.utf8))
        }
        var storeConfig = StoreConfiguration(path: dbPath ?? "")
        storeConfig.metrics = metrics.storeMetrics
        storeConfig.conflictPolicy.rateLimits = PlatformRateLimits(overrides: fileConfig.platforms)
        storeConfig.rateLimitOverrides = fileConfig.projectPlatforms
        storeConfig.alerts = alertPolicy
        fileConfig.apply(to: &storeConfig)
        let store: any SchedulingStore
        let tokenFile: String
        let storeDescription: String
        if onPostgres {
            // The flag is a mistake; SCHEDULER_DB (set in the image for SQLite) is simply not used.
            if db != nil { fail("--db is for --store sqlite; with --store postgres the schedules are in --postgres-url", code: 2) }
            guard let url = setting(postgresUrl, "SCHEDULER_POSTGRES_URL") else {
                fail("--postgres-url: required with --store postgres (or set SCHEDULER_POSTGRES_URL)", code: 2)
            }
            // Every node must read the same token file (a revocation on one holds on all).
            guard let t = tokensPath else {
                fail("--tokens: required with --store postgres outside dev mode: every node reads the same token file", code: 2)
            }
            tokenFile = t
            var pg = PostgresStoreConfiguration(url: url)
            pg.passwordFile = setting(postgresPasswordFile, "SCHEDULER_POSTGRES_PASSWORD_FILE")
            pg.schema = setting(postgresSchema, "SCHEDULER_POSTGRES_SCHEMA")
            if let n = setting(postgresPoolSize, "SCHEDULER_POSTGRES_POOL_SIZE") {
                guard let v = Int(n), (1...256).contains(v) else { fail("--postgres-pool-size: expected 1…256", code: 2) }
                pg.poolSize = v
            }
            if setting(synchronous, "SCHEDULER_SYNCHRONOUS") != nil {
                fail("--synchronous is SQLite's; PostgreSQL's durability is its own synchronous_commit", code: 2)
            }
            if setting(writerCpu, "SCHEDULER_WRITER_CPU") != nil {
                fail("--writer-cpu is SQLite's (its one writer thread); a PostgreSQL-backed node has none", code: 2)
            }
            if walLimitMiB != nil {
                fail("--wal-size-limit is SQLite's; PostgreSQL sizes its own WAL (max_wal_size)", code: 2)
            }
            storeDescription = "postgres " + PostgresStoreConfiguration.redacted(url)
            do { store = try PostgresStore(configuration: storeConfig, postgres: pg) } catch { fail("database: \(error)") }
        } else {
            guard let dbPath else { fail("--db: required when certificates are configured (or set SCHEDULER_DB)", code: 2) }
            tokenFile = tokensPath ?? ((dbPath as NSString).deletingLastPathComponent.isEmpty ? "tokens.json" : (dbPath as NSString).deletingLastPathComponent + "/tokens.json")
            switch setting(synchronous, "SCHEDULER_SYNCHRONOUS", default: "normal")! {
            case "normal": storeConfig.synchronous = .normal
            case "full": storeConfig.synchronous = .full
            default: fail("--synchronous: expected normal or full", code: 2)
            }
            switch setting(writerCpu, "SCHEDULER_WRITER_CPU", default: "auto")! {
            case "auto": storeConfig.writerCPU = .lastAllowed
            case "off": storeConfig.writerCPU = .unpinned
            case let n:
                guard let cpu = Int(n), cpu >= 0 else { fail("--writer-cpu: expected auto, off or a CPU number", code: 2) }
                storeConfig.writerCPU = .cpu(cpu)
            }
            if let walLimitMiB { storeConfig.walSizeLimitBytes = walLimitMiB << 20 }
            let sqlite: ScheduleStore
            do { sqlite = try ScheduleStore(configuration: storeConfig) } catch { fail("database \(dbPath): \(error)") }
            store = sqlite
            storeDescription = "sqlite " + dbPath + (sqlite.writerCPU.map { ", writer on CPU \($0)" } ?? ", writer not pinned")
                + ", WAL up to \(storeConfig.walSizeLimitBytes >> 20) MiB"
        }

        // auto: a thread per CPU, except the CPU SQLite's writer is pinned to. Every write goes
        // through that thread; an event loop on its CPU preempts it (docs/OPERATIONS.md, "The event loops").
        let writerPinned = (store as? ScheduleStore)?.writerCPU != nil
        let loops = loopCount ?? max(1, EventLoopGroup.allowedCPUCount - (writerPinned ? 1 : 0))

        let drainingFlag = DrainFlag()
        let service = SchedulerService(
            store: store, dispatch: fileConfig.dispatchLimits, metrics: metrics.serverMetrics, isDraining: { drainingFlag.isSet })
        let server: RPCServer
        do {
            server = try RPCServer(
                tls: .server(certificateChainFile: certFile!, privateKeyFile: keyFile!, clientCAFile: clientCAFile, alpnProtocols: []),
                methods: service.methods(),
                authenticator: Authenticator(tokens: TokenStore(path: tokenFile), identities: fileConfig.identities),
                limits: fileConfig.serverLimits, loops: loops, metrics: metrics.serverMetrics, logger: logger)
            try server.start(address: address)
        } catch {
            fail("cannot start: \(error)")
        }
        var health: HealthHTTPServer?
        // /readyz also asks the database (StoreReadiness): a node whose database is gone leaves
        // its load balancer's rotation.
        let readiness = StoreReadiness()
        if let h = setting(healthListen, "SCHEDULER_HEALTH_LISTEN") {
            do {
                metrics.attach(store: store, server: server)
                readiness.start(store)
                health = try HealthHTTPServer(
                    address: SocketAddress.parse(h),
                    notReadyReason: { drainingFlag.isSet ? "draining" : readiness.notReadyReason },
                    metrics: { metrics.scrapeBlocking() })
            } catch {
                fail("--health-listen: \(error)", code: 2)
            }
        }
        var engineConfig = MaintenanceEngine.Configuration()
        engineConfig.intervalMilliseconds = fileConfig.maintenanceIntervalMilliseconds ?? 1000
        if let v = fileConfig.leaseGraceAfterStartSeconds { engineConfig.leaseGraceAfterStartSeconds = v }
        fileConfig.apply(to: &engineConfig)
        let engine = MaintenanceEngine(store: store, configuration: engineConfig, metrics: metrics.serverMetrics, logger: logger)
        engine.start()
        // Alerts are delivered by every node (claims are leased, so each alert goes out once).
        var alerts: AlertDispatcher?
        if alertDispatch.webhook != nil || !alertDispatch.projectWebhooks.isEmpty {
            alerts = AlertDispatcher(
                store: store, configuration: alertDispatch, metrics: metrics.serverMetrics, logger: logger)
            alerts?.start()
        }
        logger.info("serving", metadata: ["store": "\(storeDescription)", "mtls": "\(clientCAFile != nil)", "max_files": "\(files.rlim_cur)", "allocator": "\(Allocator.description)", "event_loops": "\(loops)", "health": "\(health.map { "\($0.localAddress)" } ?? "off")"])

        // Signals: SIGHUP reloads certificates; SIGTERM/SIGINT drain and exit.
        for await signal in signals.stream {
            if signal == SIGHUP {
                do { try server.reloadCertificates() } catch { logger.error("certificate reload failed; keeping the old ones", metadata: ["error": "\(error)"]) }
                continue
            }
            logger.notice("shutting down", metadata: ["signal": "\(signal)"])
            break
        }
        drainingFlag.set()
        let abandoned = await server.drain(timeoutMilliseconds: fileConfig.drainTimeoutMilliseconds ?? 20_000)
        await engine.stop()
        await alerts?.stop()
        await readiness.stop()
        health?.stop()
        store.close()
        logger.notice("stopped", metadata: ["calls.abandoned": "\(abandoned)"])
    }
}

/// Whether a drain has begun, readable from any thread.
final class DrainFlag: Sendable {
    private let value = Mutex<Bool>(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// The config file (JSON). Every key is optional; see docs/OPERATIONS.md.
struct ServerFileConfig: Decodable {
    struct LimitsSection: Decodable {
        var maxConnections: Int?
        var maxUnauthenticatedConnections: Int?
        var maxUnauthenticatedConnectionsPerAddress: Int?
        var maxInFlightPerConnection: Int?
        var maxFrameBytes: Int?
        var maxDeadlineMs: UInt64?
        var handshakeTimeoutMs: Int64?
        var idleTimeoutMs: Int64?
        var maxPendingOutputBytes: Int?
        var partialFrameTimeoutMs: Int64?
        var ratePerSecond: Double?
        var rateBurst: Double?
        var unauthenticatedRatePerSecond: Double?
        var unauthenticatedRateBurst: Double?

        /// Every given value must be positive (a zero rate or size would stop the server or
        /// every call); the message names the key.
        func check() throws {
            let counts: [(String, Int?)] = [
                ("maxConnections", maxConnections), ("maxUnauthenticatedConnections", maxUnauthenticatedConnections),
                ("maxUnauthenticatedConnectionsPerAddress", maxUnauthenticatedConnectionsPerAddress),
                ("maxInFlightPerConnection", maxInFlightPerConnection), ("maxFrameBytes", maxFrameBytes),
                ("maxPendingOutputBytes", maxPendingOutputBytes),
            ]
            let times: [(String, Int64?)] = [
                ("handshakeTimeoutMs", handshakeTimeoutMs), ("idleTimeoutMs", idleTimeoutMs),
                ("partialFrameTimeoutMs", partialFrameTimeoutMs), ("maxDeadlineMs", maxDeadlineMs.map { Int64(clamping: $0) }),
            ]
            let rates: [(String, Double?)] = [
                ("ratePerSecond", ratePerSecond), ("rateBurst", rateBurst),
                ("unauthenticatedRatePerSecond", unauthenticatedRatePerSecond),
                ("unauthenticatedRateBurst", unauthenticatedRateBurst),
            ]
            for (key, v) in counts { if let v, v < 1 { throw ConfigError("limits.\(key): must be at least 1 (got \(v))") } }
            for (key, v) in times { if let v, v < 1 { throw ConfigError("limits.\(key): must be at least 1 (got \(v))") } }
            for (key, v) in rates where v.map({ !($0.isFinite && $0 > 0) }) ?? false {
                throw ConfigError("limits.\(key): must be a positive number (got \(v!))")
            }
            if let b = rateBurst, b < 1 { throw ConfigError("limits.rateBurst: must be at least 1 (got \(b))") }
            if let b = unauthenticatedRateBurst, b < 1 {
                throw ConfigError("limits.unauthenticatedRateBurst: must be at least 1 (got \(b))")
            }
        }
    }

    struct DispatchSection: Decodable {
        var maxInFlightPerProject: Int?
        var maxDispatchingProjects: Int?

        func check() throws {
            for (key, v) in [("maxInFlightPerProject", maxInFlightPerProject), ("maxDispatchingProjects", maxDispatchingProjects)] {
                if let v, v < 1 { throw ConfigError("dispatch.\(key): must be at least 1 (got \(v))") }
            }
        }
    }

    /// `retention`: how long finished schedules and daily metrics are kept (docs/OPERATIONS.md).
    struct RetentionSection: Decodable {
        /// Days after a finished schedule's time and last change; 0 = forever. Default 30.
        var finishedScheduleDays: Int?
        /// Days of daily metrics; 0 = forever. Default 400.
        var dailyMetricsDays: Int?
        /// Schedules deleted per write (1…500). Default 50.
        var batchSize: Int?

        func check() throws {
            for (key, v) in [("finishedScheduleDays", finishedScheduleDays), ("dailyMetricsDays", dailyMetricsDays)] {
                if let v, !(0...36_500).contains(v) {
                    throw ConfigError("retention.\(key): must be 0 (keep forever) or 1…36500 days (got \(v))")
                }
            }
            if let b = batchSize, !(1...500).contains(b) {
                throw ConfigError("retention.batchSize: must be 1…500 (got \(b))")
            }
        }
    }

    /// `capacity`: per-project limits on pending schedules (docs/OPERATIONS.md).
    struct CapacitySection: Decodable {
        /// Every project's limit; 0 = none. Default 0.
        var maxPendingPerProject: Int?
        /// Per project, a limit replacing `maxPendingPerProject`; 0 = none for that project.
        var projects: [String: Int]?

        func check() throws {
            if let v = maxPendingPerProject, v < 0 {
                throw ConfigError("capacity.maxPendingPerProject: must be 0 (no limit) or more (got \(v))")
            }
            for (project, v) in (projects ?? [:]).sorted(by: { $0.key < $1.key }) where v < 0 {
                throw ConfigError("capacity.projects.\(project): must be 0 (no limit) or more (got \(v))")
            }
        }
    }

    /// A config value out of range, said with its key.
    struct ConfigError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    var identities: [IdentityMapping] = []
    /// Platforms beyond the built-in table, or other hourly limits for built-in ones (name → posts per hour).
    var platforms: [String: Int] = [:]
    /// Per project: platform → posts per hour, on top of `platforms`.
    var projectPlatforms: [String: [String: Int]] = [:]
    var limits: LimitsSection?
    var dispatch: DispatchSection?
    var retention: RetentionSection?
    var capacity: CapacitySection?
    var maintenanceIntervalMilliseconds: Int64?
    var leaseGraceAfterStartSeconds: Int64?
    var drainTimeoutMilliseconds: Int64?
    /// Webhook alerts (AlertsConfig.swift).
    var alerts: AlertsSection?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case identities, limits, dispatch, leaseGraceAfterStartSeconds, platforms, projectPlatforms, alerts, retention, capacity
        case maintenanceIntervalMilliseconds = "maintenanceIntervalMs"
        case drainTimeoutMilliseconds = "drainTimeoutMs"
    }

    init() {}

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        identities = try c.decodeIfPresent([IdentityMapping].self, forKey: .identities) ?? []
        platforms = try c.decodeIfPresent([String: Int].self, forKey: .platforms) ?? [:]
        projectPlatforms = try c.decodeIfPresent([String: [String: Int]].self, forKey: .projectPlatforms) ?? [:]
        for (name, limit) in platforms.merging(projectPlatforms.values.flatMap { $0 }, uniquingKeysWith: min) {
            let canonical = PlatformRateLimits.normalize(name)
            guard !canonical.isEmpty, canonical.utf8.count <= 64,
                canonical.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .platforms, in: c,
                    debugDescription: "platform \"\(name)\": letters, digits and _ only (- . and spaces are dropped), at most 64")
            }
            guard limit >= 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .platforms, in: c, debugDescription: "platform \"\(name)\": the hourly limit must be at least 1")
            }
        }
        limits = try c.decodeIfPresent(LimitsSection.self, forKey: .limits)
        dispatch = try c.decodeIfPresent(DispatchSection.self, forKey: .dispatch)
        retention = try c.decodeIfPresent(RetentionSection.self, forKey: .retention)
        capacity = try c.decodeIfPresent(CapacitySection.self, forKey: .capacity)
        try limits?.check()
        try dispatch?.check()
        try retention?.check()
        try capacity?.check()
        maintenanceIntervalMilliseconds = try c.decodeIfPresent(Int64.self, forKey: .maintenanceIntervalMilliseconds)
        leaseGraceAfterStartSeconds = try c.decodeIfPresent(Int64.self, forKey: .leaseGraceAfterStartSeconds)
        if let g = leaseGraceAfterStartSeconds, !(0...86_400).contains(g) {
            throw DecodingError.dataCorruptedError(
                forKey: .leaseGraceAfterStartSeconds, in: c, debugDescription: "must be 0…86400 seconds")
        }
        drainTimeoutMilliseconds = try c.decodeIfPresent(Int64.self, forKey: .drainTimeoutMilliseconds)
        alerts = try c.decodeIfPresent(AlertsSection.self, forKey: .alerts)
    }

    static func load(_ path: String?) throws -> ServerFileConfig {
        guard let path else { return ServerFileConfig() }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try checkKeys(data)
        return try JSONDecoder().decode(ServerFileConfig.self, from: data)
    }

    /// A key the server does not know is refused, not ignored: a misspelt `"limts"` would
    /// otherwise leave every limit at its default without a word.
    static func checkKeys(_ data: Data) throws {
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigError("the config file must be a JSON object")
        }
        func names(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap(\.label)) }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        for key in top.keys.sorted() where !known.contains(key) {
            throw ConfigError("unknown key \"\(key)\" (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let a = top["alerts"] as? [String: Any] { try AlertsSection.checkKeys(a) }
        let sections = [
            ("limits", names(LimitsSection())), ("dispatch", names(DispatchSection())),
            ("retention", names(RetentionSection())), ("capacity", names(CapacitySection())),
        ]
        for (section, fields) in sections {
            guard let object = top[section] as? [String: Any] else { continue }
            for key in object.keys.sorted() where !fields.contains(key) {
                throw ConfigError("unknown key \"\(section).\(key)\" (known: \(fields.sorted().joined(separator: ", ")))")
            }
        }
    }

    var serverLimits: ServerLimits {
        var l = ServerLimits()
        if let v = limits?.maxConnections { l.maxConnections = v }
        if let v = limits?.maxUnauthenticatedConnections { l.maxUnauthenticatedConnections = v }
        if let v = limits?.maxUnauthenticatedConnectionsPerAddress { l.maxUnauthenticatedConnectionsPerAddress = v }
        if let v = limits?.maxInFlightPerConnection { l.maxInFlightPerConnection = v }
        if let v = limits?.maxFrameBytes { l.maxFrameSize = v }
        if let v = limits?.maxDeadlineMs { l.maxDeadlineMilliseconds = v }
        if let v = limits?.handshakeTimeoutMs { l.connection.handshakeTimeoutMilliseconds = v }
        if let v = limits?.idleTimeoutMs { l.connection.idleTimeoutMilliseconds = v }
        if let v = limits?.maxPendingOutputBytes { l.connection.maxPendingOutputBytes = v }
        if let v = limits?.partialFrameTimeoutMs { l.connection.partialMessageTimeoutMilliseconds = v }
        if let v = limits?.ratePerSecond { l.ratePerSecond = v }
        if let v = limits?.rateBurst { l.rateBurst = v }
        if let v = limits?.unauthenticatedRatePerSecond { l.unauthenticatedRatePerSecond = v }
        if let v = limits?.unauthenticatedRateBurst { l.unauthenticatedRateBurst = v }
        return l
    }

    /// The retention settings on top of the engine's defaults.
    func apply(to engine: inout MaintenanceEngine.Configuration) {
        if let d = retention?.finishedScheduleDays { engine.finishedRetentionSeconds = Int64(d) * 86_400 }
        if let d = retention?.dailyMetricsDays { engine.metricsRetentionSeconds = Int64(d) * 86_400 }
        if let b = retention?.batchSize { engine.retentionBatchSize = b }
    }

    /// The capacity limits on top of the store's defaults (none).
    func apply(to store: inout StoreConfiguration) {
        if let v = capacity?.maxPendingPerProject { store.maxPendingPerProject = v > 0 ? v : nil }
        store.maxPendingOverrides = capacity?.projects ?? [:]
    }

    var dispatchLimits: DispatchLimits {
        var d = DispatchLimits()
        if let v = dispatch?.maxInFlightPerProject { d.maxInFlightPerProject = v }
        if let v = dispatch?.maxDispatchingProjects { d.maxDispatchingProjects = v }
        return d
    }
}
