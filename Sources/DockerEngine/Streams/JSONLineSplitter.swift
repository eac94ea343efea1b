/// Cuts a stream of newline-separated JSON documents (the events body) into whole documents,
/// whatever the sizes of the chunks it arrives in.
struct JSONLineSplitter: Sendable {
    private var buffer: [UInt8] = []

    mutating func split(_ bytes: [UInt8]) -> [[UInt8]] {
        buffer += bytes
        var lines: [[UInt8]] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let line = Array(buffer[start..<newline])
            if !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { lines.append(line) }
            start = newline + 1
        }
        buffer.removeFirst(start)
        return lines
    }
}
