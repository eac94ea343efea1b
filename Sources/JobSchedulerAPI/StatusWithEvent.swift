/// A status's fields and `event` (`Create`, `Update`, `Delete`), in one object: a webhook's body and
/// an event stream's `data`.
struct StatusWithEvent<Status: Encodable>: Encodable {
    var status: Status
    var event: String

    enum EventKey: String, CodingKey { case event }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: EventKey.self)
        try container.encode(event, forKey: .event)
    }
}
