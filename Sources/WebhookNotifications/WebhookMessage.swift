import Crypto
import Foundation
import JobSchedulerAPI
import SchedulerCore

/// One event ready to deliver: its body, and an id that every retry repeats.
struct WebhookMessage: Sendable, Equatable {
    var id: String
    var body: Data

    /// The id comes from the event's content (not its time): the same change told twice (again after a
    /// restart, say) has the same id, so a receiver that drops ids it has seen drops the repeat.
    init(_ notification: StatusNotification, at time: Date) throws {
        let timeless = try RadixBatchEvent.encode(notification, updated: nil)
        let digest = SHA256.hash(data: Data("\(notification.key)\n".utf8) + timeless)
        id = "msg_" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
        body = try RadixBatchEvent.encode(notification, updated: time)
    }
}
