/// What the server needs of its contract beside the generated types, read from swagger.json at build
/// time by EmbedOpenAPIDocument (its tool writes `paths` and `integerProperties` in an extension of this
/// type), so nothing parses the document at run time.
enum OpenAPIContract {
    /// A path of the document, as written there (under its server's `/`), and the methods it documents,
    /// upper-case and sorted.
    struct Path: Sendable {
        var path: String
        var methods: [String]
    }

    /// The width of an integer property (OpenAPI's `format`; none is `int64`).
    enum IntegerFormat: String, Sendable {
        case int32, int64
    }
}
