import Yams

/// Turns a Yams parse failure into one located problem: malformed YAML stops everything
/// else, so it is the only problem reported.
enum YAMLSyntaxProblem {
    static func make(from error: any Error, yaml: String, fileName: String) -> ConfigProblem {
        guard let yamlError = error as? YamlError else {
            return ConfigProblem(file: fileName, path: "", line: nil, message: "invalid YAML: \(error)")
        }
        let (line, message): (Int?, String)
        switch yamlError {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            line = mark.line
            message = problem + (context.map { " (\($0.text) at line \($0.mark.line))" } ?? "")
        case let .reader(problem, offset, _, yaml):
            line = offset.map { lineNumber(atUTF8Offset: $0, in: yaml) }
            message = problem
        case let .duplicatedKeysInMapping(duplicates, context):
            line = context.mark.line
            message = "duplicate key \(duplicates.sorted().map { "\"\($0)\"" }.joined(separator: ", ")) in one mapping"
        default:
            line = nil
            message = "\(yamlError)"
        }
        return ConfigProblem(file: fileName, path: "", line: line, message: "invalid YAML: \(message)")
    }

    private static func lineNumber(atUTF8Offset offset: Int, in text: String) -> Int {
        text.utf8.prefix(offset).reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }
}
