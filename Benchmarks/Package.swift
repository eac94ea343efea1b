// swift-tools-version:6.0
import PackageDescription

// The root package's identity is the name of its folder (lower-cased), whatever the clone is called.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main").lowercased()

// The benchmark harness (issue 6): a package of its own, so neither the root package nor CI builds or
// runs it. It depends on the root package by path and drives the real `job-scheduler` binary, which
// `run.sh` builds as it ships, in the root package (scripts/build-release.sh).
let package = Package(
    name: "job-scheduler-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Runs every measurement and writes BENCHMARKS.md.
        .executableTarget(
            name: "job-scheduler-bench",
            dependencies: [
                .product(name: "DockerEngine", package: root),
                .product(name: "SchedulerCore", package: root),
                .product(name: "RadixConfig", package: root),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The baseline of the API-under-load measurement: a plain Hummingbird route serving fixed JSON.
        .executableTarget(
            name: "bench-baseline",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
