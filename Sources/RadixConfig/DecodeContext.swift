/// Shared state of one parse: the problems found so far and the file name they cite.
/// Decoding goes on after a problem so that one run reports all of them.
final class DecodeContext {
    let fileName: String
    private(set) var problems: [ConfigProblem] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    func report(_ path: String, line: Int?, _ message: String) {
        problems.append(ConfigProblem(file: fileName, path: path, line: line, message: message))
    }

    /// Problems in file order; ties keep the order they were found in.
    var sortedProblems: [ConfigProblem] {
        problems.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }
}
