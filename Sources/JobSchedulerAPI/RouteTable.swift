/// The routes the server answers, those of the contract (`OpenAPIContract.paths`, read from it at build
/// time), so that a known path asked with a method it does not take is told apart from a path that does
/// not exist: 405 with an `Allow` header instead of 404.
struct RouteTable: Sendable {
    private struct Route: Sendable {
        /// nil where the path has a `{parameter}`.
        var segments: [String?]
        var methods: Set<String>
    }

    private var routes: [Route] = []

    /// The contract's paths, under `basePath`.
    init(paths: [OpenAPIContract.Path] = OpenAPIContract.paths, basePath: String) {
        routes = paths.map { path in
            Route(segments: Self.segments(of: basePath + path.path).map { $0.hasPrefix("{") && $0.hasSuffix("}") ? nil : $0 },
                  methods: Set(path.methods))
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
