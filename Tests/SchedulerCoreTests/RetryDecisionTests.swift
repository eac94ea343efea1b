import Foundation
import RadixConfig
@testable import SchedulerCore
import Testing

/// Retries decided from exit codes: the failure policy, the backoff limit, and what was recorded.
@Suite("Retries by exit code")
struct RetryDecisionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func exited(_ code: Int, at seconds: TimeInterval = 10, backoff: Int = 2, policy: FailurePolicy? = nil,
                       attempts: [JobAttempt] = [], stop: Bool = false, limit: Int = 600) -> JobObservation {
        JobObservation(name: "work-1", image: "img", imageID: "sha256:1", created: t0, startedAt: t0.addingTimeInterval(seconds - 1),
                       finishedAt: t0.addingTimeInterval(seconds), runState: .exited, exitCode: code, timeLimitSeconds: limit,
                       backoffLimit: backoff, failurePolicy: policy, attempts: attempts, stopRequested: stop)
    }

    static func attempt(_ index: Int, _ code: Int, counted: Bool = true) -> JobAttempt {
        JobAttempt(index: index, exitCode: code, startedAt: t0.addingTimeInterval(Double(index)),
                   finishedAt: t0.addingTimeInterval(Double(index) + 0.5), counted: counted)
    }

    static let policy = FailurePolicy(rules: [
        FailurePolicyRule(action: .failJob, onExitCodes: ExitCodeRequirement(operator: .in, values: [42])),
        FailurePolicyRule(action: .ignore, onExitCodes: ExitCodeRequirement(operator: .in, values: [143, 137])),
    ])

    func decide(_ job: JobObservation, deadlineKilled: Bool = false) -> RetryDecision {
        RetryDecision.decide(job, attempts: job.attempts, deadlineKilled: deadlineKilled)
    }

    @Test func withoutAPolicyEveryFailureCountsUpToTheBackoffLimit() {
        guard case .retry(let first) = decide(Self.exited(3)) else { Issue.record("the first failure is retried"); return }
        #expect(first.index == 0 && first.counted && first.exitCode == 3)
        #expect(first.finishedAt == Self.t0.addingTimeInterval(10), "the runtime's time of the exit is what is recorded")
        guard case .retry(let second) = decide(Self.exited(3, attempts: [Self.attempt(0, 3)])) else { Issue.record("the second too"); return }
        #expect(second.index == 1)
        #expect(decide(Self.exited(3, attempts: [Self.attempt(0, 3), Self.attempt(1, 3)])) == .final)
        #expect(decide(Self.exited(3, backoff: 0)) == .final)
    }

    @Test func aFailJobRuleEndsTheJobAtOnceAndAnIgnoreRuleDoesNotCount() {
        #expect(decide(Self.exited(42, backoff: 5, policy: Self.policy)) == .final)
        // Ignored failures are retried past the backoff limit; only counted ones use it up.
        let ignored = (0..<5).map { Self.attempt($0, 137, counted: false) }
        guard case .retry(let again) = decide(Self.exited(143, backoff: 1, policy: Self.policy, attempts: ignored)) else {
            Issue.record("an ignored failure is retried"); return
        }
        #expect(!again.counted && again.index == 5)
        guard case .retry(let counted) = decide(Self.exited(1, backoff: 1, policy: Self.policy, attempts: ignored)) else {
            Issue.record("the first counted failure is within the limit"); return
        }
        #expect(counted.counted)
        #expect(decide(Self.exited(1, backoff: 1, policy: Self.policy, attempts: ignored + [Self.attempt(5, 1)])) == .final)
    }

    @Test func stoppedKilledSucceededOrRunningJobsAreNotRetried() {
        #expect(decide(Self.exited(0)) == .notFailed)
        #expect(decide(Self.exited(143, stop: true)) == .notFailed)
        #expect(decide(Self.exited(137), deadlineKilled: true) == .notFailed)
        #expect(decide(Self.exited(137, at: 600, limit: 600)) == .notFailed, "ended by its deadline")
        var running = Self.exited(3)
        running.runState = .running
        #expect(decide(running) == .notFailed)
    }

    @Test func anExitRecordedAlreadyOnlyWaitsForItsStart() {
        var job = Self.exited(3, attempts: [Self.attempt(0, 3), Self.attempt(1, 3)])
        job.startedAt = Self.attempt(1, 3).startedAt
        job.finishedAt = Self.attempt(1, 3).finishedAt
        #expect(decide(job) == .retryRecorded(Self.attempt(1, 3)))
        // A later run that ended at the same moment but started later is another run.
        job.startedAt = job.startedAt?.addingTimeInterval(0.1)
        #expect(decide(job) == .final)
    }

    @Test func theStatusShowsEveryAttemptAndGoesOnWhileARetryIsDue() {
        let pending = JobStatusDerivation.status(of: Self.exited(3, attempts: [Self.attempt(0, 5)]))
        #expect(pending.state == .running)
        #expect(pending.failed == 2)
        #expect(pending.started == Self.attempt(0, 5).startedAt, "the first attempt's start")
        #expect(pending.podStatuses.map(\.podIndex) == [0, 1])
        #expect(pending.podStatuses.map(\.exitCode) == [5, 3])
        #expect(pending.podStatuses.map(\.replicaState) == [.failed, .failing])

        let final = JobStatusDerivation.status(of: Self.exited(3, attempts: [Self.attempt(0, 5), Self.attempt(1, 4)]))
        #expect(final.state == .failed)
        #expect(final.failed == 3)
        #expect(final.message?.contains("after 3 attempts") == true, "\(final.message ?? "")")
        #expect(final.podStatuses.map(\.exitCode) == [5, 4, 3])
        #expect(final.podStatuses.last?.endTime == Self.t0.addingTimeInterval(10))

        let failedAtOnce = JobStatusDerivation.status(of: Self.exited(42, backoff: 3, policy: Self.policy))
        #expect(failedAtOnce.state == .failed)
        #expect(failedAtOnce.message?.contains("failure policy") == true)
    }

    @Test func aPolicySurvivesItsLabel() throws {
        let encoded = FailurePolicyLabel.encode(Self.policy)
        #expect(encoded == "FailJob:In:42;Ignore:In:143,137")
        #expect(FailurePolicyLabel.decode(encoded) == Self.policy)
        #expect(FailurePolicyLabel.decode("Retry:In:1") == nil)
        let attempt = Self.attempt(3, 7, counted: false)
        let labels = JobLabels.labels(for: attempt, job: "work-1", selector: JobSelector(applicationName: "a", jobComponent: "work"))
        #expect(JobLabels.attempt(from: labels) == attempt)
    }
}
