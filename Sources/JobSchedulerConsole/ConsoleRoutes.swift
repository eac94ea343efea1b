import Hummingbird

/// Serves the console: the page at `GET /`, its script and style at `GET /console/<file>`.
public enum ConsoleRoutes {
    public static let pagePath = "/"
    public static let assetsPath = "/console"
    /// The files a page may ask for.
    static let assets: [String: String] = ["console.js": "text/javascript; charset=utf-8", "console.css": "text/css; charset=utf-8"]

    /// The paths the console is served at: open even where the API needs a token (they hold no data;
    /// the page asks for the token before it reads anything).
    public static let paths: Set<String> = Set([pagePath] + assets.keys.map { "\(assetsPath)/\($0)" })

    /// A file's URL, with its version: kept by browsers for good, as a new build's has another.
    static func url(of asset: String) -> String {
        "\(assetsPath)/\(asset)?v=\(ConsoleAssets.version(of: asset))"
    }

    /// The page only runs its own script and style and only talks to this scheduler.
    static let securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    public static func add<Context: RequestContext>(to router: Router<Context>, page: ConsolePage) {
        let html = ByteBuffer(string: page.html)
        router.get(RouterPath(pagePath)) { _, _ in
            Response(status: .ok,
                     headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .contentSecurityPolicy: securityPolicy,
                               .init("X-Content-Type-Options")!: "nosniff"],
                     body: ResponseBody(byteBuffer: html))
        }
        for (name, contentType) in assets {
            let bytes = ByteBuffer(bytes: ConsoleAssets.files[name] ?? [])
            router.get(RouterPath("\(assetsPath)/\(name)")) { _, _ in
                Response(status: .ok,
                         headers: [.contentType: contentType, .cacheControl: "public, max-age=31536000, immutable",
                                   .init("X-Content-Type-Options")!: "nosniff"],
                         body: ResponseBody(byteBuffer: bytes))
            }
        }
    }
}
