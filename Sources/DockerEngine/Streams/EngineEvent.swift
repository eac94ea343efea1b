import Foundation

/// One event from `GET /events`.
public struct EngineEvent: Sendable, Decodable, Equatable {
    /// `container`, `image`, `network`, ...
    public var type: String
    /// `create`, `start`, `die`, `kill`, `stop`, `destroy`, `oom`, ...
    public var action: String
    /// The object's ID (a container ID for container events).
    public var actorID: String
    /// For containers: the labels, `name`, `image`, and for `die` the `exitCode`.
    public var attributes: [String: String]
    public var time: Date

    public init(type: String, action: String, actorID: String, attributes: [String: String], time: Date) {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.time = time
    }

    /// The exit code a `die` event carries.
    public var exitCode: Int? { attributes["exitCode"].flatMap(Int.init) }

    enum CodingKeys: String, CodingKey { case type = "Type", action = "Action", actor = "Actor", time, timeNano }
    private struct Actor: Decodable {
        var id: String?
        var attributes: [String: String]?
        enum CodingKeys: String, CodingKey { case id = "ID", attributes = "Attributes" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
        // Exec events have actions like "exec_start: sh -c ..."; keep only the verb.
        let rawAction = try container.decodeIfPresent(String.self, forKey: .action) ?? ""
        action = String(rawAction.split(separator: ":", maxSplits: 1).first ?? "")
        let actor = try container.decodeIfPresent(Actor.self, forKey: .actor)
        actorID = actor?.id ?? ""
        attributes = actor?.attributes ?? [:]
        if let nanos = try container.decodeIfPresent(Int64.self, forKey: .timeNano) {
            time = Date(timeIntervalSince1970: TimeInterval(nanos) / 1e9)
        } else {
            time = Date(timeIntervalSince1970: TimeInterval(try container.decodeIfPresent(Int64.self, forKey: .time) ?? 0))
        }
    }
}

/// What the reconnecting events stream hands its consumer.
public enum EngineEventUpdate: Sendable, Equatable {
    /// The stream is connected for the first time: events from now on will arrive.
    case connected
    /// The stream was lost (the engine went away) and is connected again. Events may have been
    /// missed meanwhile: reconcile from a fresh container list.
    case reconnected
    /// The connection was lost; the stream keeps trying to reconnect.
    case disconnected(DockerEngineError)
    case event(EngineEvent)
}

/// Filters for the events stream, as the engine applies them.
public struct EventFilters: Sendable, Equatable {
    public var types: [String]
    /// `key=value` or `key` label conditions, all of which must hold.
    public var labels: [String]
    public var actions: [String]
    public var containers: [String]

    public init(types: [String] = [], labels: [String] = [], actions: [String] = [], containers: [String] = []) {
        self.types = types
        self.labels = labels
        self.actions = actions
        self.containers = containers
    }

    var queryValue: String? {
        var filters: [String: [String]] = [:]
        if !types.isEmpty { filters["type"] = types }
        if !labels.isEmpty { filters["label"] = labels }
        if !actions.isEmpty { filters["event"] = actions }
        if !containers.isEmpty { filters["container"] = containers }
        return filters.isEmpty ? nil : encodeFilters(filters)
    }
}

func encodeFilters(_ filters: [String: [String]]) -> String {
    let data = (try? JSONEncoder.engine.encode(filters)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}
