// swift-tools-version:6.0
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// scripts/fuzz.sh builds everything with coverage (and ASan) and names libFuzzer here: only the fuzzers
// link it (its `main` would clash with every other executable's), and they are built as its targets.
let libFuzzer = Context.environment["JOBSCHED_LIBFUZZER"]
let fuzzerSettings = strictSwift + (libFuzzer == nil ? [] : [.define("FUZZING")])
let fuzzerLinking: [LinkerSetting] = libFuzzer.map { [.unsafeFlags([$0, "-lstdc++"])] } ?? []

let package = Package(
    name: "radix-job-scheduler",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "job-scheduler", targets: ["job-scheduler"]),
        .library(name: "DockerEngine", targets: ["DockerEngine"]),
        .library(name: "RadixConfig", targets: ["RadixConfig"]),
        .library(name: "CronSchedules", targets: ["CronSchedules"]),
        .library(name: "SchedulerCore", targets: ["SchedulerCore"]),
        .library(name: "JobSchedulerAPI", targets: ["JobSchedulerAPI"]),
        .library(name: "JobSchedulerClient", targets: ["JobSchedulerClient"]),
        .library(name: "WebhookNotifications", targets: ["WebhookNotifications"]),
        .library(name: "JobSchedulerConsole", targets: ["JobSchedulerConsole"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libFuzzer targets for what a client or a config file can send (scripts/fuzz.sh builds them with
        // -sanitize=fuzzer); built normally, each replays a corpus (Fuzz/corpus) through the same check.
        .target(name: "FuzzCorpus", path: "Fuzz/FuzzCorpus", swiftSettings: fuzzerSettings),
        .executableTarget(name: "radixconfig-fuzzer", dependencies: ["RadixConfig", "FuzzCorpus"], path: "Fuzz/RadixConfigFuzzer",
                          swiftSettings: fuzzerSettings, linkerSettings: fuzzerLinking),
        .executableTarget(
            name: "request-fuzzer",
            dependencies: [
                "JobSchedulerAPI", "SchedulerCore", "RadixConfig", "FuzzCorpus",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            path: "Fuzz/RequestFuzzer",
            swiftSettings: fuzzerSettings,
            linkerSettings: fuzzerLinking
        ),
        // libcurl headers plus tiny shims for its variadic C functions.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Docker Engine API client over the engine's Unix socket, on libcurl's own thread.
        .target(
            name: "DockerEngine",
            dependencies: [
                "CCurl",
                "CivilCalendar",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // Schedules: cron expressions, @every and ISO 8601 repeating intervals, on a time zone's wall clock.
        .target(
            name: "CronSchedules",
            dependencies: ["CivilCalendar"],
            swiftSettings: strictSwift
        ),
        // Gregorian day arithmetic on integers, for the timestamp codecs and the cron.
        .target(
            name: "CivilCalendar",
            swiftSettings: strictSwift
        ),
        // radixconfig.yaml: model, parsing, validation, quantities.
        .target(
            name: "RadixConfig",
            dependencies: ["CronSchedules", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift
        ),
        // The scheduling core: the decisions (a value type), the executor that carries them out, the
        // runtimes (Docker, in memory) behind the JobRuntime seam, and the job model.
        .target(
            name: "SchedulerCore",
            dependencies: [
                "CronSchedules",
                "DockerEngine",
                "RadixConfig",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "EmbedWarmWaiter")]
        ),
        // The entrypoint of a warm pool's containers (WarmWaiter/waiter.c): C, compiled statically by the
        // system's C compiler at build time, so that it runs in any image, and embedded in SchedulerCore.
        .plugin(
            name: "EmbedWarmWaiter",
            capability: .buildTool(),
            dependencies: ["embed-files"]
        ),
        // The HTTP API on each job's schedulerPort. Contract-first: the routes and types are generated at
        // build time from openapi.json, a symlink to the top-level swagger.json, which is also embedded
        // byte for byte (EmbedOpenAPIDocument) so the server can serve it at GET /swagger.json.
        .target(
            name: "JobSchedulerAPI",
            dependencies: [
                "SchedulerCore",
                "CivilCalendar",
                "JobSchedulerConsole",
                "DockerEngine",
                "RadixConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: strictSwift,
            plugins: [
                .plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"),
                .plugin(name: "EmbedOpenAPIDocument"),
            ]
        ),
        // The web console: its page (a swift-mustache template), script and style, embedded at build time
        // (EmbedConsoleAssets), and the routes that serve them. It knows the API only by its paths.
        .target(
            name: "JobSchedulerConsole",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "EmbedConsoleAssets")]
        ),
        .plugin(
            name: "EmbedConsoleAssets",
            capability: .buildTool(),
            dependencies: ["embed-files"]
        ),
        .executableTarget(
            name: "embed-files",
            swiftSettings: strictSwift
        ),
        // A job's webhook: Radix's batch events told to a sibling, each at least once and in order per
        // job or batch, retried with backoff, signed as Standard Webhooks says; over AsyncHTTPClient.
        .target(
            name: "WebhookNotifications",
            dependencies: [
                "SchedulerCore",
                "JobSchedulerAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        // A Swift client of the HTTP API, generated from the same swagger.json (its openapi.json is a symlink
        // to it) with swift-openapi-generator, over URLSession. `Client.make(baseURL:)` builds one.
        .target(
            name: "JobSchedulerClient",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
            ],
            swiftSettings: strictSwift,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Turns the target's openapi.json into Swift sources: its bytes, and the facts the server takes
        // from it (paths and methods, integer formats), read at build time.
        .plugin(
            name: "EmbedOpenAPIDocument",
            capability: .buildTool(),
            dependencies: ["embed-openapi-document"]
        ),
        .executableTarget(
            name: "embed-openapi-document",
            swiftSettings: strictSwift
        ),
        // The commands of the executable, kept in a library so tests can run them.
        .target(
            name: "JobSchedulerCLI",
            dependencies: [
                "RadixConfig",
                "SchedulerCore",
                "JobSchedulerAPI",
                "WebhookNotifications",
                "JobSchedulerClient",
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                "DockerEngine",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "job-scheduler",
            dependencies: ["JobSchedulerCLI"],
            swiftSettings: strictSwift
        ),
        // What the tests share: the real engine they drive (and whether there is one), child processes
        // off the cooperative pool, free ports, and waits that fail the test when they time out.
        .target(
            name: "EngineTestSupport",
            dependencies: ["DockerEngine"],
            path: "Tests/EngineTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SchedulerCoreTests",
            dependencies: ["SchedulerCore", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "CronSchedulesTests",
            dependencies: ["CronSchedules", "CivilCalendar", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "RadixConfigTests",
            dependencies: ["RadixConfig"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "JobSchedulerAPITests",
            dependencies: [
                "JobSchedulerAPI",
                "SchedulerCore",
                "RadixConfig",
                "DockerEngine",
                "EngineTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                "JobSchedulerClient",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "WebhookNotificationsTests",
            dependencies: ["WebhookNotifications", "SchedulerCore", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "JobSchedulerCLITests",
            dependencies: ["JobSchedulerCLI", "DockerEngine", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
    ],
    swiftLanguageModes: [.v6]
)
