/// Where the job-scheduler mounts a request's payload inside the job container:
/// the payload becomes the file `<path>/payload`.
public struct JobPayload: Sendable, Hashable {
    public var path: String
    public var extra: [String: YAMLValue]

    public init(path: String, extra: [String: YAMLValue] = [:]) {
        self.path = path
        self.extra = extra
    }

    /// The file the job reads its payload from.
    public var filePath: String {
        path.hasSuffix("/") ? path + "payload" : path + "/payload"
    }
}
