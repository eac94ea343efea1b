import Mustache

/// The console page: `console.mustache` rendered once with what the scheduler serves (the page never
/// changes while it runs; all it shows live comes from the API).
public struct ConsolePage: Sendable {
    /// What the page says about the scheduler before it reads anything.
    public struct Facts: Sendable {
        public var jobName: String
        public var applicationName: String
        public var environment: String?
        public var image: String?
        public var payloadPath: String?
        public var timeLimitSeconds: Int
        public var backoffLimit: Int
        public var historyLimit: Int
        public var scheduleCount: Int
        /// Whether the API wants a bearer token: the page asks for it before reading anything.
        public var tokenRequired: Bool
        /// Where the API's operations are (`/api/v1`), and its documentation page.
        public var apiBasePath: String
        public var documentationPath: String

        public init(jobName: String, applicationName: String, environment: String?, image: String?, payloadPath: String?,
                    timeLimitSeconds: Int, backoffLimit: Int, historyLimit: Int, scheduleCount: Int, tokenRequired: Bool,
                    apiBasePath: String, documentationPath: String) {
            self.jobName = jobName
            self.applicationName = applicationName
            self.environment = environment
            self.image = image
            self.payloadPath = payloadPath
            self.timeLimitSeconds = timeLimitSeconds
            self.backoffLimit = backoffLimit
            self.historyLimit = historyLimit
            self.scheduleCount = scheduleCount
            self.tokenRequired = tokenRequired
            self.apiBasePath = apiBasePath
            self.documentationPath = documentationPath
        }
    }

    /// The template's context: the facts, and the URLs of the page's files.
    struct Context {
        var facts: Facts
        var scriptURL: String
        var styleURL: String
        var hasSchedules: Bool
    }

    public let html: String

    public init(facts: Facts) throws {
        let template = try MustacheTemplate(string: ConsoleAssets.text("console.mustache") ?? "")
        html = template.render(Context(facts: facts, scriptURL: ConsoleRoutes.url(of: "console.js"),
                                       styleURL: ConsoleRoutes.url(of: "console.css"), hasSchedules: facts.scheduleCount > 0))
    }
}
