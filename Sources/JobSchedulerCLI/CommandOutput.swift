import Foundation

/// Where commands write, injectable so tests can read what a command printed without
/// spawning a process.
public protocol CommandOutput: Sendable {
    func out(_ line: String)
    func err(_ line: String)
}

/// The process's stdout and stderr, one line per call.
public struct StandardOutput: CommandOutput {
    public init() {}

    public func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    public func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Collects lines in memory; for tests and for embedding commands.
public final class CapturedOutput: CommandOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var outLines: [String] = []
    private var errLines: [String] = []

    public init() {}

    public func out(_ line: String) { lock.withLock { outLines.append(line) } }
    public func err(_ line: String) { lock.withLock { errLines.append(line) } }

    public var stdout: [String] { lock.withLock { outLines } }
    public var stderr: [String] { lock.withLock { errLines } }
}
