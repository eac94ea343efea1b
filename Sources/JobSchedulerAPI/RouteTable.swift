import Foundation

/// The routes the server answers, read from the contract (plus the ones served beside it), so that a
/// known path asked with a method it does not take is told apart from a path that does not exist:
/// 405 with an `Allow` header instead of 404.
struct RouteTable: Sendable {
    private struct Route: Sendable {
        /// nil where the path has a `{parameter}`.
        var segments: [String?]
        var methods: Set<String>
    }

    private var routes: [Route] = []

    /// Reads `paths` of an OpenAPI 3.0 document, under `basePath`, and adds `extra` (path, method) pairs.
    init(document: [UInt8], basePath: String, extra: [(path: String, method: String)] = []) {
        var byPath: [String: Set<String>] = [:]
        if let root = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
           let paths = root["paths"] as? [String: Any] {
            let verbs: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
            for (path, item) in paths {
                let methods = ((item as? [String: Any])?.keys).map { Set($0.filter(verbs.contains).map { $0.uppercased() }) } ?? []
                byPath[basePath + path, default: []].formUnion(methods)
            }
        }
        for (path, method) in extra { byPath[path, default: []].insert(method.uppercased()) }
        routes = byPath.map { path, methods in
            Route(segments: Self.segments(of: path).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0 }, methods: methods)
        }
    }

    /// The methods `path` can be asked with, sorted; nil for a path the server does not have. Where
    /// several routes match, the most literal wins, as in the router (`/jobs/stop` is not `/jobs/{jobName}`).
    func allowedMethods(for path: String) -> [String]? {
        let segments = Self.segments(of: path)
        let matching = routes.filter { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { pattern, segment in pattern == nil || pattern == segment }
        }
        let literals = { (route: Route) in route.segments.filter { $0 != nil }.count }
        guard let best = matching.map(literals).max() else { return nil }
        let methods = matching.filter { literals($0) == best }.reduce(into: Set<String>()) { $0.formUnion($1.methods) }
        return methods.sorted()
    }

    private static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
