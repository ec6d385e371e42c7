// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "faultline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "faultline", targets: ["faultline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The import from another Sentry reads its web API; alert notifications are delivered with it (already resolved: HummingbirdTesting uses it).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // The dashboard's templates (logic-less, HTML-escaping by default).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // System libraries (Debian: librdkafka-dev, libpq-dev).
        .systemLibrary(name: "CRDKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),

        // I/O layers.
        .target(name: "Kafka", dependencies: [
            "CRDKafka",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Postgres", dependencies: [
            "CLibPQ",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),

        // Pure model and transforms.
        .target(name: "EventModel"),
        // The one glob matcher (rules, fingerprints, inbound filters), non-backtracking.
        .target(name: "GlobEngine"),
        .target(name: "Quotas", dependencies: ["EventModel", "GlobEngine"]),
        .target(name: "Scrubbing", dependencies: ["EventModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Pure parsers of what sentry-cli uploads: bounded ZIP reader, bundle manifests, digests.
        .target(name: "Artifacts", dependencies: [
            "EventModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Source maps and ProGuard/R8 mappings applied to frames (pure; the processor's SymbolicateStage wires it).
        .target(name: "Symbolication", dependencies: ["EventModel"]),
        .target(name: "Grouping", dependencies: [
            "EventModel", "GlobEngine",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Issue alert rules in Sentry's model, their evaluation and the notification payloads (pure).
        .target(name: "Alerting", dependencies: [
            "EventModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Configuration, schema and shared service plumbing.
        .target(name: "Core", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Migrations are .sql files compiled into the module by the EmbedMigrations plugin, so the
        // binary needs no resource bundle beside it; schema.sql is what they add up to (a test checks).
        .target(name: "Store", dependencies: [
            "Core", "Postgres", "EventModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            // Password hashing (users' sign-in): bcrypt, slow on purpose.
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ], exclude: ["Migrations", "schema.sql"], plugins: ["EmbedMigrations"]),
        .executableTarget(name: "embed-migrations", path: "Sources/embed-migrations"),
        .plugin(name: "EmbedMigrations", capability: .buildTool(), dependencies: ["embed-migrations"]),

        // Relay-side project settings (inbound filters, rate limits) decoded into Quotas' types.
        .target(name: "RelayConfig", dependencies: ["Postgres", "Store", "Quotas"]),

        // The relay's write-ahead spool: segmented, checksummed, group-committed log on local disk.
        .target(name: "Spool", dependencies: [
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),

        // HTTP plumbing shared by Relay and Query (they share one listener in dev mode).
        .target(name: "Web", dependencies: [
            "Store",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),

        // Services.
        .target(name: "Relay", dependencies: [
            "Core", "EventModel", "Kafka", "Postgres", "Store", "RelayConfig", "Web", "CBrotli", "CZstd", "Quotas", "Spool",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .target(name: "Processor", dependencies: [
            "Core", "EventModel", "Grouping", "Kafka", "Postgres", "Store", "Scrubbing", "Quotas", "Artifacts", "Symbolication", "Alerting",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "Query", dependencies: [
            "Core", "EventModel", "Postgres", "Store", "Web", "Quotas", "Artifacts", "Scrubbing", "RelayConfig", "Alerting",
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Mustache", package: "swift-mustache"),
        ]),

        // Import from another Sentry: the source's API read with bounds, a pure plan, and its application.
        .target(name: "SentryImport", dependencies: [
            "EventModel", "Postgres", "Store", "Quotas", "RelayConfig",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),

        // The outbox deliverer the processors run: HTTP notifications with retries.
        .target(name: "Delivery", dependencies: [
            "Alerting", "Postgres", "Store",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),

        .executableTarget(name: "faultline", dependencies: [
            "SentryImport", "Alerting", "Delivery", "Core", "Kafka", "Postgres", "Store", "RelayConfig", "Relay", "Processor", "Query", "Grouping", "EventModel", "Web", "Quotas", "Scrubbing", "Spool", "Artifacts", "Symbolication",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Benchmark reference: an endpoint that only reads the body (bench/relay_throughput.sh).
        .executableTarget(name: "bench-sink", dependencies: [
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),

        // Benchmark tool: fills a topic with a backlog, and the references (bench/processor_backlog.sh).
        .executableTarget(name: "bench-backlog", dependencies: [
            "EventModel", "Kafka", "Processor",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Benchmark tool: each processing step on adversarial vs ordinary input (bench/adversarial.sh).
        .executableTarget(name: "bench-adversarial", dependencies: [
            "EventModel", "GlobEngine", "Grouping", "Processor", "Quotas", "Scrubbing", "Symbolication",
        ]),

        // Benchmark tool: the relay's per-envelope CPU without HTTP and Kafka, for callgrind (bench/relay_plan.sh).
        .executableTarget(name: "bench-ingest-plan", dependencies: ["Core", "EventModel", "Quotas", "Relay"]),

        // Test tool: appends to a spool and prints each acknowledged sequence, to be killed -9 (SpoolCrashTests).
        .executableTarget(name: "spool-crash-probe", dependencies: ["Spool"]),

        // Benchmark tool: source map parse, lookups and the symbolication stage (bench/symbolication.sh).
        .executableTarget(name: "bench-symbolication", dependencies: ["EventModel", "Processor", "Symbolication"]),

        // Benchmark tool: spool appends against a plain write+fdatasync loop (bench/spool.sh).
        .executableTarget(name: "bench-spool", dependencies: ["Spool"]),

        .testTarget(name: "FaultlineTests", dependencies: [
            "Core", "Spool", "Kafka", "Postgres", "Store", "RelayConfig", "Relay", "Processor", "Query", "Grouping", "EventModel", "Web", "Quotas", "CZstd", "Scrubbing",
            "GlobEngine", "Artifacts", "Symbolication", "SentryImport", "Alerting", "Delivery",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
