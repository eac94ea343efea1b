import CronSchedules
import Foundation
import Yams

extension MappingReader {
    /// `cron:`: nil when absent (or when what it holds is too broken to use; reported).
    func cron(_ key: String = "cron") -> JobCron? {
        guard let block = mapping(key) else { return nil }
        var zone = TimeZone(identifier: "UTC")!
        var zoneName = "UTC"
        if let name = block.string("timeZone") {
            if let found = TimeZone(identifier: name), name.contains("/") || name == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(name) {
                (zone, zoneName) = (found, name)
            } else {
                block.report("timeZone", "\"\(name)\" is not a time zone; use an IANA name such as UTC, Europe/Oslo or America/New_York")
            }
        }
        let concurrency = block.requiredEnum("concurrency", JobCron.Concurrency.self)
        let deadline = block.int("startingDeadlineSeconds")
        if let deadline, deadline < 1 { block.report("startingDeadlineSeconds", "must be at least 1, got \(deadline)") }
        let suspend = block.bool("suspend") ?? false

        var schedules: [Schedule] = []
        if block.node("schedules") == nil { block.report("schedules", "is required: 1 to \(JobCron.maximumSchedules) schedules") }
        let items = block.list("schedules")
        if block.node("schedules") != nil, !(1...JobCron.maximumSchedules).contains(items.count) {
            block.report("schedules", "holds \(items.count) schedules; a job has 1 to \(JobCron.maximumSchedules)")
        }
        for item in items {
            guard case .scalar(let scalar) = item.node, !item.node.isNull else {
                context.report(item.path, line: item.node.line, "expected a schedule (a string), got \(item.node.kindDescription)")
                continue
            }
            do {
                schedules.append(try Schedule(scalar.string, timeZone: zone))
            } catch {
                context.report(item.path, line: item.node.line, error.description)
            }
        }
        let extra = block.extra()
        guard let concurrency, !schedules.isEmpty, schedules.count == items.count else { return nil }
        return JobCron(schedules: schedules, timeZoneName: zoneName, timeZone: zone, concurrency: concurrency, startingDeadlineSeconds: deadline,
                       suspend: suspend, extra: extra)
    }

    /// Only a plain YAML boolean (`true`, `false`).
    func bool(_ key: String) -> Bool? {
        guard let value = node(key) else { return nil }
        guard value.tagName == .bool, let flag = value.bool else {
            report(key, "expected true or false, got \(value.kindDescription)")
            return nil
        }
        return flag
    }
}
