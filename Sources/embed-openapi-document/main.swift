// Build tool of the EmbedOpenAPIDocument plugin:
//
//     embed-openapi-document <openapi.json> <bytes.swift> <contract.swift>
//
// writes two Swift sources from the contract: `OpenAPIDocument.base64`, the document's bytes (served at
// `GET /swagger.json`), and the facts the server needs beside the generated code, read here once at build
// time rather than by parsing the document at every start (`ContractFacts`).
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: embed-openapi-document <openapi.json> <bytes.swift> <contract.swift>\n".utf8))
    exit(2)
}
do {
    let input = URL(fileURLWithPath: arguments[1])
    let bytes = try Data(contentsOf: input)
    try writeIfChanged(DocumentBytes.source(of: bytes, from: input.lastPathComponent), to: arguments[2])
    try writeIfChanged(try ContractFacts(document: bytes).source(from: input.lastPathComponent), to: arguments[3])
} catch {
    FileHandle.standardError.write(Data("embed-openapi-document: \(error)\n".utf8))
    exit(1)
}

/// Only rewrites a file whose content changes, so an unchanged document recompiles nothing.
func writeIfChanged(_ source: String, to path: String) throws {
    let output = URL(fileURLWithPath: path)
    if (try? Data(contentsOf: output)) != Data(source.utf8) {
        try Data(source.utf8).write(to: output, options: .atomic)
    }
}
