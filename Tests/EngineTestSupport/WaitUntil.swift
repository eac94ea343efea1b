import Foundation
import Testing

/// A wait that ran out of time.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// Polls `probe` until it returns a value, and returns that value. When `timeout` passes first, it fails
/// the test: it records an issue at the caller saying what was awaited (and, through `lastSeen`, what
/// was last seen) and throws, so no wait runs out and carries on. The default bound is generous: the
/// whole suite shares one engine, which starts containers one at a time under a burst.
@discardableResult
public func waitForValue<Value>(
    _ description: @autoclosure () -> String,
    timeout: Duration = .seconds(120),
    pollingEvery interval: Duration = .milliseconds(20),
    lastSeen: () -> String = { "" },
    sourceLocation: SourceLocation = #_sourceLocation,
    _ probe: () async throws -> Value?
) async throws -> Value {
    let deadline = ContinuousClock.now + timeout
    while true {
        if let value = try await probe() { return value }
        guard ContinuousClock.now < deadline else { break }
        try await Task.sleep(for: interval)
    }
    let seen = lastSeen()
    let failure = WaitTimedOut(description: "timed out after \(timeout) waiting until \(description())" + (seen.isEmpty ? "" : "; last seen: \(seen)"))
    // #require records the issue once and throws an error the test runner does not record again.
    let arrivedInTime = false
    try #require(arrivedInTime, Comment(rawValue: failure.description), sourceLocation: sourceLocation)
    throw failure
}

/// Polls `condition` until it holds; fails the test as `waitForValue` does when `timeout` passes first.
public func waitUntil(
    _ description: @autoclosure () -> String,
    timeout: Duration = .seconds(120),
    pollingEvery interval: Duration = .milliseconds(20),
    lastSeen: () -> String = { "" },
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    try await waitForValue(description(), timeout: timeout, pollingEvery: interval, lastSeen: lastSeen, sourceLocation: sourceLocation) {
        try await condition() ? () : nil
    }
}
