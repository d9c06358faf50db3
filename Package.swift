// swift-tools-version:6.1
// The scheduler service: see docs/ and ../shared/ARCHITECTURE.md for the layering.
// Lower layers never import higher ones; each C library is imported `internal` by exactly one target.
import PackageDescription

let package = Package(
    name: "scheduler",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SchedulingCore", targets: ["SchedulingCore"]),
        .library(name: "ScheduleStore", targets: ["ScheduleStore"]),
        .library(name: "WireProtocol", targets: ["WireProtocol"]),
        .library(name: "TLS", targets: ["TLS"]),
        .library(name: "SchedulerClient", targets: ["SchedulerClient"]),
        .executable(name: "schedulerd", targets: ["schedulerd"]),
        .executable(name: "schedctl", targets: ["schedctl"]),
        .executable(name: "scheduler-bench", targets: ["scheduler-bench"]),
        .executable(name: "scheduler-console", targets: ["scheduler-console"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Metrics: the swift-metrics API in the libraries, the Prometheus backend behind /metrics.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Only a command plugin (scripts/docs): nothing links it, and `swift build` does not build it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The web console's HTTP server: no dependencies of its own, ~20 s to build (docs/CONSOLE.md).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // MARK: System libraries (module.modulemap + shim.h, no logic)
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CProtobufC",
            pkgConfig: "libprotobuf-c",
            providers: [.apt(["libprotobuf-c-dev"])]
        ),
        .systemLibrary(
            name: "CPostgreSQL",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // schedulerd's allocator (see Sources/CJemalloc/shim.h and docs/OPERATIONS.md).
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),

        // MARK: Domain
        .target(name: "SchedulingCore"),

        // MARK: Storage
        // SQLite's default VFS with a WAL transaction's writes gathered into one (wal_buffer.c).
        .target(name: "CSQLiteWAL", dependencies: ["CSQLite"]),
        .target(name: "SQLite", dependencies: ["CSQLite", "CSQLiteWAL"]),
        .target(name: "PostgreSQL", dependencies: ["CPostgreSQL"]),
        .target(
            name: "ScheduleStore",
            dependencies: [
                "SQLite", "PostgreSQL", "SchedulingCore", "CLinux", .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),

        // MARK: Wire contract
        .target(name: "CSchedulerMessages", dependencies: ["CProtobufC"]),
        .target(name: "WireProtocol", dependencies: ["CSchedulerMessages", "CProtobufC"]),

        // MARK: Transport security
        .target(name: "TLS", dependencies: ["COpenSSL"]),
        .target(name: "CLinux"),
        .target(name: "Transport", dependencies: ["TLS", "CLinux"]),

        // MARK: Server
        .target(
            name: "SchedulerServer",
            dependencies: [
                "SchedulingCore", "ScheduleStore", "WireProtocol", "TLS", "Transport", "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // MARK: Client
        .target(name: "SchedulerClient", dependencies: ["WireProtocol", "TLS", "Transport"]),

        // MARK: Web console (a client of schedulerd like any other)
        .target(
            name: "SchedulerConsole",
            dependencies: [
                "SchedulerClient", "SchedulingCore", "WireProtocol", "TLS", "Transport",
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Executables
        // What the client executables share: connection flags, SCHEDULER_* and ./.scheduler/ defaults;
        // and the console's HTTPS flags (certificate files, the certificate-to-token map, their mode checks).
        .target(
            name: "SchedulerCommandLine",
            dependencies: ["SchedulerClient", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "schedulerd",
            dependencies: [
                "SchedulerServer", "ScheduleStore", "SchedulingCore", "TLS", "Transport", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .executableTarget(
            name: "schedctl",
            dependencies: [
                "SchedulingCore", "SchedulerClient", "SchedulerCommandLine", "WireProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "scheduler-bench",
            dependencies: [
                "CLinux",
                "SchedulingCore",
                "ScheduleStore",
                "SQLite", "PostgreSQL",
                "SchedulerClient", "WireProtocol", "TLS", "Transport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),

        .executableTarget(
            name: "scheduler-console",
            dependencies: [
                "SchedulerConsole", "SchedulerClient", "SchedulerCommandLine", "SchedulingCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Fuzz target for the frame and message decoders (libFuzzer build: docs/PROTOCOL.md).
        .executableTarget(name: "wire-fuzz", dependencies: ["WireProtocol"]),

        // MARK: Tests (one target per library, plus shared helpers)
        .target(name: "TestSupport", dependencies: ["TLS"], path: "Tests/TestSupport"),
        .testTarget(
            name: "SchedulingCoreTests",
            dependencies: ["SchedulingCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "CSQLiteWAL"]),
        .testTarget(name: "PostgreSQLTests", dependencies: ["PostgreSQL"]),
        // Depends on scheduler-bench so the crash test's child process (a hidden subcommand) is built.
        .testTarget(
            name: "ScheduleStoreTests",
            dependencies: [
                "ScheduleStore", "SchedulingCore", "SQLite", "PostgreSQL", "scheduler-bench", "TestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "TestSupport"]),
        .testTarget(
            name: "SchedulerServerTests",
            dependencies: [
                "SchedulerServer", "SchedulerClient", "ScheduleStore", "SchedulingCore", "WireProtocol", "TLS", "Transport",
                "TestSupport", "PostgreSQL",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "TLS", "TestSupport"]),
        .testTarget(
            name: "SchedulerClientTests",
            dependencies: ["SchedulerClient", "SchedulerServer", "ScheduleStore", "SchedulingCore", "WireProtocol", "TLS", "TestSupport"]
        ),
        .testTarget(
            name: "WireProtocolTests",
            dependencies: ["WireProtocol", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SchedulerConsoleTests",
            dependencies: [
                "SchedulerConsole", "SchedulerCommandLine", "SchedulerServer", "SchedulerClient", "ScheduleStore", "SchedulingCore", "WireProtocol", "TLS",
                "Transport", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "schedctlTests",
            dependencies: [
                "schedctl", "schedulerd", "SchedulerServer", "SchedulerClient", "ScheduleStore", "SchedulingCore", "TLS",
                "Transport", "WireProtocol", "TestSupport",
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
