/// One thing wrong with a radixconfig.yaml, located well enough to fix it without a debugger:
/// the file, the dotted path of the offending key and the 1-based line it sits on.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file name as the user gave it, so the message points where they looked.
    public var file: String
    /// A dotted path such as `spec.jobs[1].schedulerPort`; empty for whole-file problems.
    public var path: String
    /// The 1-based line, when the problem can be tied to one.
    public var line: Int?
    public var message: String

    public init(file: String, path: String, line: Int?, message: String) {
        self.file = file
        self.path = path
        self.line = line
        self.message = message
    }

    /// Compiler-style `file:line: path: message`, which editors and terminals can jump to.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !path.isEmpty { text += path + ": " }
        return text + message
    }
}
