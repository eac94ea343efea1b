import Foundation
import SchedulerCore
import Testing
@testable import JobSchedulerAPI

/// What the server takes from the contract at build time (`OpenAPIContract`) and writes by hand beside
/// the generated code (`RadixJobStatus`, `DocumentedFailures`) agrees with swagger.json, read here.
@Suite("the contract's facts")
struct ContractFactsTests {
    static func schemas() throws -> [String: [String: Any]] {
        try #require((OpenAPIDocumentTests.document()["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
    }

    static func properties(of schema: String) throws -> [String: [String: Any]] {
        try #require(try schemas()[schema]?["properties"] as? [String: [String: Any]])
    }

    /// Every path of the document with exactly its methods, and the route table answers them all.
    @Test func theRouteTableHasEveryPathAndMethodOfTheDocument() throws {
        let paths = try #require(try OpenAPIDocumentTests.document()["paths"] as? [String: [String: Any]])
        let verbs: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let documented = paths.mapValues { item in item.keys.filter(verbs.contains).map { $0.uppercased() }.sorted() }
        let built = Dictionary(uniqueKeysWithValues: OpenAPIContract.paths.map { ($0.path, $0.methods) })
        #expect(built == documented)
        let routes = RouteTable(basePath: "")
        for (path, methods) in documented {
            let concrete = path.replacingOccurrences(of: "{jobName}", with: "work-20260101000000-abcdefgh")
            #expect(routes.allowedMethods(for: concrete) == methods, "\(path)")
        }
        #expect(routes.allowedMethods(for: "/api/v1/nothing") == nil)
        #expect(RouteTable(basePath: "/base").allowedMethods(for: "/base/api/v1/jobs/stop") == ["POST"])
    }

    @Test func integerPropertiesAreTheDocumentsWithTheirFormats() throws {
        var documented: [String: [String: String]] = [:]
        for (schema, value) in try Self.schemas() {
            for (name, property) in value["properties"] as? [String: [String: Any]] ?? [:] where property["type"] as? String == "integer" {
                documented[schema, default: [:]][name] = property["format"] as? String ?? "int64"
            }
        }
        #expect(OpenAPIContract.integerProperties.mapValues { $0.mapValues(\.rawValue) } == documented)
        #expect(RequestBodyDiagnosis(schema: "JobScheduleDescription").integerProperties == ["timeLimitSeconds": .int64, "backoffLimit": .int32, "runAsUser": .int64])
    }

    /// Each operation answers the scheduler's errors with exactly the error codes it documents.
    @Test func documentedFailuresAreTheOperationsErrorResponses() throws {
        let paths = try #require(try OpenAPIDocumentTests.document()["paths"] as? [String: [String: Any]])
        var documented: [String: Set<Int>] = [:]
        for item in paths.values {
            for operation in item.values {
                guard let operation = operation as? [String: Any], let id = operation["operationId"] as? String,
                      let responses = operation["responses"] as? [String: Any] else { continue }
                // The console's routes are plain ones, open even with a token (ConsoleTests).
                if operation["tags"] as? [String] == ["Console"] { continue }
                documented[id] = Set(responses.keys.compactMap(Int.init).filter { $0 != 200 })
            }
        }
        let tables: [String: Set<Int>] = [
            Operations.CreateJob.id: Set(Operations.CreateJob.Output.failures.keys),
            Operations.GetJob.id: Set(Operations.GetJob.Output.failures.keys),
            Operations.DeleteJob.id: Set(Operations.DeleteJob.Output.failures.keys),
            Operations.StopJob.id: Set(Operations.StopJob.Output.failures.keys),
            Operations.StopAllJobs.id: Set(Operations.StopAllJobs.Output.failures.keys),
            Operations.GetJobLogs.id: Set(Operations.GetJobLogs.Output.failures.keys),
            Operations.GetHealth.id: Set(Operations.GetHealth.Output.failures.keys),
            Operations.CreateBatch.id: Set(Operations.CreateBatch.Output.failures.keys),
            Operations.GetBatch.id: Set(Operations.GetBatch.Output.failures.keys),
            Operations.GetBatchJob.id: Set(Operations.GetBatchJob.Output.failures.keys),
            Operations.DeleteBatch.id: Set(Operations.DeleteBatch.Output.failures.keys),
            Operations.StopBatch.id: Set(Operations.StopBatch.Output.failures.keys),
            Operations.StopAllBatches.id: Set(Operations.StopAllBatches.Output.failures.keys),
            Operations.StopBatchJob.id: Set(Operations.StopBatchJob.Output.failures.keys),
            Operations.RunSchedule.id: Set(Operations.RunSchedule.Output.failures.keys),
            Operations.SuspendSchedule.id: Set(Operations.SuspendSchedule.Output.failures.keys),
            Operations.ResumeSchedule.id: Set(Operations.ResumeSchedule.Output.failures.keys),
            Operations.RestartJob.id: Set(Operations.RestartJob.Output.failures.keys),
            Operations.RestartBatch.id: Set(Operations.RestartBatch.Output.failures.keys),
            Operations.FollowEvents.id: Set(Operations.FollowEvents.Output.failures.keys),
            Operations.GetJobSettings.id: Set(Operations.GetJobSettings.Output.failures.keys),
        ]
        // 401 is answered by the bearer token's middleware before any operation runs (and only with a
        // token file): every operation documents it, none answers it.
        for (id, codes) in documented { #expect(codes.contains(401), "\(id) documents no 401") }
        for (id, codes) in tables {
            #expect(codes == documented[id]?.subtracting([401]), "\(id)")
        }
        // The operations without a table document no other error.
        for (id, codes) in documented where tables[id] == nil {
            #expect(codes == [401], "\(id) documents \(codes) but has no DocumentedFailures")
        }
    }

    /// A status with nothing known but its name and state: the contract's nullable properties are explicit
    /// nulls, the other optional ones are left out, and the JSON reads back as the same value.
    @Test func absentNullablePropertiesAreExplicitNulls() throws {
        let status = RadixJobStatus(name: "work-1", status: .waiting,
                                    podStatuses: [RadixPodStatus(name: "work-1", replicaStatus: .init(status: .pending))])
        let data = try APIJSON.encoder().encode(status)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pod = try #require((object["podStatuses"] as? [[String: Any]])?.first)
        for (schema, value) in [("JobStatus", object), ("PodStatus", pod)] {
            let properties = try Self.properties(of: schema)
            let nullable = Set(properties.filter { $0.value["nullable"] as? Bool == true }.keys)
            let required = Set(try Self.schemas()[schema]?["required"] as? [String] ?? [])
            #expect(Set(value.filter { $0.value is NSNull }.keys) == nullable, "\(schema)")
            #expect(Set(value.filter { !($0.value is NSNull) }.keys) == required.union(schema == "JobStatus" ? ["podStatuses"] : []), "\(schema)")
        }
        #expect(try JSONDecoder().decode(RadixJobStatus.self, from: data) == status)
        #expect(try JSONDecoder().decode(RadixJobStatus.self, from: Data(#"{"name":"work-1","status":"Waiting"}"#.utf8))
            == RadixJobStatus(name: "work-1", status: .waiting))
    }

    /// The job's status is the core's state, whose names are the contract's.
    @Test func jobStatesAreTheContractsEnum() throws {
        let values = try #require(try Self.properties(of: "JobStatus")["status"]?["enum"] as? [String])
        #expect(SchedulerCore.JobState.allCases.map(\.rawValue) == values)
    }
}
