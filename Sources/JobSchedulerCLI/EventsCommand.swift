import ArgumentParser
import Foundation
import JobSchedulerClient
import OpenAPIRuntime

/// `job-scheduler events`: a running scheduler's changes, one line each, as they happen.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print a running scheduler's changes as they happen: first the state, then each job's and batch's change.",
        discussion: """
            Each line starts with the event's position; give it to --after to go on from there later, missing nothing \
            the scheduler still holds (else the state is printed again). With --json, each event is a JSON object \
            (id, event, data) on a line of its own.
            """
    )
    @OptionGroup var options: SchedulerClientOptions
    @Option(help: "Go on after this event's position (printed first on each line) instead of printing the state first.")
    var after: String?
    @Flag(name: .customLong("no-follow"), help: "Print what is known now, then stop.")
    var noFollow = false

    func run() async throws {
        let output = StandardOutput()
        try await options.call { client in
            let answer = try await client.followEvents(query: .init(after: after, follow: !noFollow)).ok.body.textEventStream
            for try await event in answer.asDecodedServerSentEvents() {
                guard let name = event.event, let data = event.data else { continue }
                output.out(options.json ? EventLine.json(id: event.id, event: name, data: data) : EventLine.text(id: event.id, event: name, data: data))
            }
        }
    }
}

/// An event as a terminal line.
enum EventLine {
    /// `<id> <what happened>`: `Create job compute-… Waiting`, `Update batch batch-… Active (2 jobs)`,
    /// `snapshot: 3 jobs, 1 batch, engine reachable`, `engine unreachable`, `schedules changed`.
    static func text(id: String?, event: String, data: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
        let what: String
        switch event {
        case "snapshot":
            let jobs = (object["jobs"] as? [Any])?.count ?? 0, batches = (object["batches"] as? [Any])?.count ?? 0
            what = "snapshot: \(jobs) job\(jobs == 1 ? "" : "s"), \(batches) batch\(batches == 1 ? "" : "es"), "
                + "engine \(object["engineConnected"] as? Bool == true ? "reachable" : "unreachable")"
        case "job", "batch":
            let jobs = (object["jobStatuses"] as? [Any]).map { " (\($0.count) job\($0.count == 1 ? "" : "s"))" } ?? ""
            what = "\(object["event"] as? String ?? "?") \(event) \(object["name"] as? String ?? "?") \(object["status"] as? String ?? "?")"
                + (event == "batch" ? jobs : "")
        case "health":
            what = "engine \(object["engineConnected"] as? Bool == true ? "reachable" : "unreachable")"
        case "schedules":
            what = "schedules changed"
        default:
            what = "\(event) \(data)"
        }
        return "\(id ?? "-") \(what)"
    }

    /// `{"id": …, "event": …, "data": {…}}`.
    static func json(id: String?, event: String, data: String) -> String {
        let object: [String: Any] = ["id": id ?? NSNull(), "event": event,
                                     "data": (try? JSONSerialization.jsonObject(with: Data(data.utf8))) ?? data]
        let bytes = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: bytes, as: UTF8.self)
    }
}
