import CCurl
import Foundation

/// Drives every libcurl transfer of the process from one dedicated thread, through the multi
/// interface. Blocking libcurl calls therefore never run on Swift's cooperative thread pool, and any
/// number of transfers (long-lived event and log streams included) share that single thread.
final class CurlMultiLoop: @unchecked Sendable {
    // @unchecked: `pending*` are guarded by `lock`; `multi` and `active` are touched only on the loop thread.
    static let shared = CurlMultiLoop()

    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var pendingAdds: [CurlTransfer] = []
    private var pendingCancels: [CurlTransfer] = []
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    private init() {
        CurlGlobal.initializeOnce()
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        // Keep a few idle connections for reuse, not every one a burst opened (each is a socket
        // to dockerd and memory on both sides).
        ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 16)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "docker-engine-curl"
        thread.start()
    }

    /// Hands a prepared transfer to the loop thread.
    func add(_ transfer: CurlTransfer) {
        lock.withLock { pendingAdds.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Aborts a transfer; its completion reports cancellation. Safe to call more than once, and
    /// after the transfer has finished.
    func cancel(_ transfer: CurlTransfer) {
        lock.withLock { pendingCancels.append(transfer) }
        curl_multi_wakeup(multi)
    }

    private func run() {
        var running: Int32 = 0
        while true {
            applyPendingChanges()
            curl_multi_perform(multi, &running)
            collectFinishedTransfers()
            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }

    private func applyPendingChanges() {
        let (adds, cancels) = lock.withLock {
            defer { pendingAdds.removeAll(); pendingCancels.removeAll() }
            return (pendingAdds, pendingCancels)
        }
        for transfer in adds {
            active[transfer.easy] = transfer
            let code = curl_multi_add_handle(multi, transfer.easy)
            if code != CURLM_OK {
                active[transfer.easy] = nil
                transfer.finish(curlCode: CURLE_FAILED_INIT, cancelled: false)
            }
        }
        for transfer in cancels where active[transfer.easy] != nil {
            curl_multi_remove_handle(multi, transfer.easy)
            active[transfer.easy] = nil
            transfer.finish(curlCode: CURLE_ABORTED_BY_CALLBACK, cancelled: true)
        }
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let result = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            if let transfer = active.removeValue(forKey: easy) {
                transfer.finish(curlCode: result, cancelled: false)
            }
        }
    }
}

/// `curl_global_init` must run once, before any other libcurl call and before threads use it.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initializeOnce() { _ = initialized }
}
