import CCurl
import Foundation

/// The status line and headers of a response, delivered as soon as the engine has sent them:
/// for a long-poll such as `wait`, that is the moment the engine has registered the request.
struct ResponseHead: Sendable {
    var status: Int
    var headers: [String: String]  // names lower-cased

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// What a transfer reports, always on the loop thread and in this order: `head` at most once,
/// `body` any number of times after it, `finish` exactly once.
struct TransferEvents: Sendable {
    var head: @Sendable (ResponseHead) -> Void
    var body: @Sendable ([UInt8]) -> Void
    var finish: @Sendable (TransferOutcome) -> Void
}

enum TransferOutcome: Sendable {
    case completed
    case cancelled
    case failed(code: Int, message: String)
}

/// One HTTP exchange on a libcurl easy handle. Its mutable state is only touched on the loop thread
/// (from libcurl callbacks and from `finish`), which is what makes the `@unchecked Sendable` safe.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private let events: TransferEvents
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var pendingHead = ResponseHead(status: 0, headers: [:])
    private var headDelivered = false
    private var finished = false

    init(request: EngineRequest, socketPath: String, events: TransferEvents) {
        CurlGlobal.initializeOnce()
        guard let easy = curl_easy_init() else { fatalError("curl_easy_init failed") }
        self.easy = easy
        self.events = events
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure(request: request, socketPath: socketPath)
    }

    deinit {
        curl_slist_free_all(headerList)
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    private func configure(request: EngineRequest, socketPath: String) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_string(easy, CURLOPT_UNIX_SOCKET_PATH, socketPath)
        // The host part is ignored on a Unix socket but must be a valid URL.
        ccurl_setopt_string(easy, CURLOPT_URL, "http://docker" + request.pathAndQuery)
        ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, 5_000)
        if request.freshConnection {
            ccurl_setopt_long(easy, CURLOPT_FRESH_CONNECT, 1)
            ccurl_setopt_long(easy, CURLOPT_FORBID_REUSE, 1)
        }
        if let timeout = request.timeout {
            let (seconds, attoseconds) = timeout.components
            ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
        }

        var headers = request.headers.map { "\($0.key): \($0.value)" }
        headers.append("Expect:")  // never wait for 100-continue before sending a body
        for line in headers { headerList = curl_slist_append(headerList, line) }
        ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)

        let sendsBody = request.method == .post || request.method == .put
        if let body = request.body ?? (sendsBody ? [] : nil) {
            ccurl_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            // COPYPOSTFIELDS copies the bytes into libcurl: no buffer has to outlive this call.
            if body.isEmpty {
                ccurl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, "")
            } else {
                _ = body.withUnsafeBytes { ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!)) }
            }
        } else if request.method == .head {
            ccurl_setopt_long(easy, CURLOPT_NOBODY, 1)
        }

        ccurl_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        ccurl_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
    }

    fileprivate func receiveHeaderLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("HTTP/") {
            // A new status line starts a new header block (after a 1xx answer, say).
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            pendingHead = ResponseHead(status: parts.count > 1 ? Int(parts[1]) ?? 0 : 0, headers: [:])
        } else if trimmed.isEmpty {
            if pendingHead.status >= 200 { deliverHead() }
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = trimmed[..<colon].lowercased()
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            pendingHead.headers[name] = value
        }
    }

    fileprivate func receiveBody(_ bytes: [UInt8]) {
        deliverHead()
        events.body(bytes)
    }

    private func deliverHead() {
        guard !headDelivered else { return }
        headDelivered = true
        events.head(pendingHead)
    }

    /// Called once by the loop when libcurl is done with the handle (or the transfer was cancelled).
    func finish(curlCode: CURLcode, cancelled: Bool) {
        guard !finished else { return }
        finished = true
        if cancelled {
            events.finish(.cancelled)
        } else if curlCode == CURLE_OK {
            deliverHead()
            events.finish(.completed)
        } else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(curlCode)) : detail
            events.finish(.failed(code: Int(curlCode.rawValue), message: message))
        }
    }
}

private func curlHeaderCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let buffer, let context else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
    transfer.receiveHeaderLine(String(decoding: bytes, as: UTF8.self))
    return length
}

private func curlWriteCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let buffer, let context else { return length }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    transfer.receiveBody(Array(UnsafeRawBufferPointer(start: buffer, count: length)))
    return length
}
