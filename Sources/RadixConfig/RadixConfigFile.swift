import Foundation
import Yams

/// Entry point for loading radixconfig.yaml: either a complete, valid `RadixApplication`
/// or a `ConfigValidationError` listing every problem, never a partly checked model.
public enum RadixConfigFile {
    public static let defaultFileName = "radixconfig.yaml"

    /// Reads and checks the file at `path`; problems cite `path` as written.
    public static func load(path: String) throws(ConfigValidationError) -> RadixApplication {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigValidationError(problems: [
                ConfigProblem(file: path, path: "", line: nil, message: "no such file")
            ])
        }
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigValidationError(problems: [
                ConfigProblem(file: path, path: "", line: nil, message: "cannot read the file: \(error.localizedDescription)")
            ])
        }
        return try parse(yaml: yaml, fileName: path)
    }

    /// Parses and checks YAML text; `fileName` only labels the problems.
    public static func parse(yaml: String, fileName: String = defaultFileName) throws(ConfigValidationError) -> RadixApplication {
        let result = check(yaml: yaml, fileName: fileName)
        switch result {
        case .success(let application): return application
        case .failure(let error): throw error
        }
    }

    /// The non-throwing form of `parse`, for callers that want to show problems themselves.
    public static func check(yaml: String, fileName: String = defaultFileName) -> Result<RadixApplication, ConfigValidationError> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return .failure(ConfigValidationError(problems: [YAMLSyntaxProblem.make(from: error, yaml: yaml, fileName: fileName)]))
        }
        guard let root else {
            return .failure(ConfigValidationError(problems: [
                ConfigProblem(file: fileName, path: "", line: 1, message: "the file is empty; expected a RadixApplication")
            ]))
        }
        let context = DecodeContext(fileName: fileName)
        let application = ApplicationDecoder(context: context).decode(root)
        if let application, context.problems.isEmpty {
            return .success(application)
        }
        return .failure(ConfigValidationError(problems: context.sortedProblems))
    }
}
