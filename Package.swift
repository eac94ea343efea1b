// swift-tools-version:6.0
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "radix-job-scheduler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "job-scheduler", targets: ["job-scheduler"]),
        .library(name: "DockerEngine", targets: ["DockerEngine"]),
        .library(name: "RadixConfig", targets: ["RadixConfig"]),
        .library(name: "JobScheduler", targets: ["JobScheduler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
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
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // radixconfig.yaml: model, parsing, validation, quantities.
        .target(
            name: "RadixConfig",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift
        ),
        // The scheduling core: job specs, statuses, the scheduler actor, the Docker job runtime.
        .target(
            name: "JobScheduler",
            dependencies: [
                "DockerEngine",
                "RadixConfig",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // The commands of the executable, kept in a library so tests can run them.
        .target(
            name: "JobSchedulerCLI",
            dependencies: [
                "RadixConfig",
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
        // Helpers for tests that drive the real engine (subprocesses off the cooperative pool).
        .target(
            name: "EngineTestSupport",
            path: "Tests/EngineTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "DockerEngineTests",
            dependencies: ["DockerEngine", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "JobSchedulerTests",
            dependencies: ["JobScheduler", "EngineTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "RadixConfigTests",
            dependencies: ["RadixConfig"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "JobSchedulerCLITests",
            dependencies: ["JobSchedulerCLI"],
            swiftSettings: strictSwift
        ),
    ],
    swiftLanguageModes: [.v6]
)
