import Foundation

/// The warm pool's waiter, compiled from `WarmWaiter/waiter.c` and embedded at build time (the
/// EmbedWarmWaiter plugin): the entrypoint copied into every pooled container.
enum WarmWaiterBinary {
    static let bytes: [UInt8] = base64Files["job-warm-waiter"].flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? []
}
