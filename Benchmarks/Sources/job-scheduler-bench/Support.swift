import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic time in nanoseconds (CLOCK_MONOTONIC), for durations measured in this process.
@inline(__always) func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Wall-clock time in seconds since 1970, for comparing with the engine's event times (`timeNano`).
@inline(__always) func wallSeconds() -> Double { Date().timeIntervalSince1970 }

func milliseconds(from start: UInt64, to end: UInt64) -> Double { Double(Int64(end) - Int64(start)) / 1e6 }

/// Sleeps the calling thread (only ever a dedicated one).
func sleepMicroseconds(_ microseconds: Int) {
    var request = timespec(tv_sec: microseconds / 1_000_000, tv_nsec: (microseconds % 1_000_000) * 1000)
    var remaining = timespec()
    while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
}

/// Order statistics of a sample.
struct Summary: Sendable, Codable {
    var count: Int
    var min: Double
    var median: Double
    var p90: Double
    var p99: Double
    var max: Double
    var mean: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            // Nearest rank: the smallest value with at least q of the sample at or below it.
            let index = Swift.max(0, Swift.min(sorted.count - 1, Int((q * Double(sorted.count)).rounded(.up)) - 1))
            return sorted[index]
        }
        min = sorted.first ?? .nan
        max = sorted.last ?? .nan
        p90 = rank(0.90)
        p99 = rank(0.99)
        mean = sorted.isEmpty ? .nan : sorted.reduce(0, +) / Double(sorted.count)
        if sorted.isEmpty {
            median = .nan
        } else if sorted.count % 2 == 1 {
            median = sorted[sorted.count / 2]
        } else {
            median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
    }
}

/// Formats a number of milliseconds for the report.
func ms(_ value: Double) -> String {
    if value.isNaN { return "n/a" }
    if abs(value) >= 100 { return String(format: "%.0f ms", value) }
    if abs(value) >= 10 { return String(format: "%.1f ms", value) }
    return String(format: "%.2f ms", value)
}

func fixed(_ value: Double, _ digits: Int = 2) -> String {
    value.isNaN ? "n/a" : String(format: "%.\(digits)f", value)
}

func mib(kib: Int) -> String { String(format: "%.1f MiB", Double(kib) / 1024) }
func mib(kib: Int?) -> String { kib.map { mib(kib: $0) } ?? "n/a" }

/// The 1-minute load average: other work on the machine shows here.
func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
          let first = text.split(separator: " ").first, let value = Double(first) else { return .nan }
    return value
}

/// A short random lowercase name part.
func randomSuffix(_ length: Int = 6) -> String {
    let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    return String((0..<length).map { _ in alphabet.randomElement()! })
}

/// A TCP port that is free on loopback right now.
func freePort() throws -> Int {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socketFD >= 0 else { throw HTTPError.io("socket", errno) }
    defer { _ = close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            guard bind(socketFD, pointer, length) == 0 else { return -1 }
            return getsockname(socketFD, pointer, &length)
        }
    }
    guard bound == 0 else { throw HTTPError.io("bind", errno) }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Progress on standard error, so standard output stays for the results.
func progress(_ message: String) {
    let line = "[bench \(String(format: "%.1f", ProcessInfo.processInfo.systemUptime))] \(message)\n"
    FileHandle.standardError.write(Data(line.utf8))
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The resident set of a process, from /proc/<pid>/status, in KiB.
struct ResidentSize: Sendable, Codable {
    var rssKiB: Int
    var peakKiB: Int
    /// From /proc/<pid>/status: anonymous memory (heap, stacks) and file-backed pages (code and data
    /// of the executable and its shared libraries, which other processes may share).
    var anonKiB: Int?
    var fileKiB: Int?
    /// From /proc/<pid>/smaps_rollup: proportional and private (unshared) sizes.
    var pssKiB: Int?
    var privateKiB: Int?

    static func of(pid: Int32) -> ResidentSize? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
            }
            return nil
        }
        guard let rss = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        var size = ResidentSize(rssKiB: rss, peakKiB: peak, anonKiB: field("RssAnon"), fileKiB: field("RssFile"))
        if let rollup = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8) {
            func rollupField(_ name: String) -> Int? {
                for line in rollup.split(separator: "\n") where line.hasPrefix(name + ":") {
                    return Int(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
                }
                return nil
            }
            size.pssKiB = rollupField("Pss")
            if let clean = rollupField("Private_Clean"), let dirty = rollupField("Private_Dirty") { size.privateKiB = clean + dirty }
        }
        return size
    }
}

/// Runs a command and returns its standard output (standard error goes to ours), bounded in time.
func runCommand(_ arguments: [String], timeoutSeconds: Double = 120) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    var output = Data()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    let handle = pipe.fileHandleForReading
    // Read until EOF; the process cannot outlive the deadline.
    let killer = Thread {
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
    }
    killer.start()
    output = handle.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
