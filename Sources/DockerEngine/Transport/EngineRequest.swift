/// An HTTP request to the engine, relative to the versioned API root.
struct EngineRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD" }

    var method: Method
    var pathAndQuery: String
    var headers: [String: String] = [:]
    var body: [UInt8]?
    /// nil for streams that legitimately stay open (events, followed logs, wait).
    var timeout: Duration?
    /// On a new connection, closed after: whether the engine takes connections now (an engine shutting
    /// down still answers on the connections it has, for as long as it takes to stop its containers).
    var freshConnection = false

    init(_ method: Method, _ path: String, query: [(String, String?)] = [], headers: [String: String] = [:],
         body: [UInt8]? = nil, timeout: Duration? = .seconds(60)) {
        self.method = method
        let items = query.compactMap { name, value in value.map { "\(name)=\(percentEncoded($0))" } }
        self.pathAndQuery = items.isEmpty ? path : path + "?" + items.joined(separator: "&")
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// Encodes everything but RFC 3986 unreserved characters, so JSON filters survive the query string.
func percentEncoded(_ value: String) -> String {
    var result = ""
    for byte in value.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            result.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
    }
    return result
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
