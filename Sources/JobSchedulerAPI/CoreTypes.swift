import SchedulerCore

// The core's types under names that cannot clash: inside `Components.Schemas` extensions `JobStatus`
// means the generated type, and `JobScheduler.JobStatus` would look inside the actor of that name.
typealias CoreJobStatus = JobStatus
typealias CorePodStatus = PodStatus
typealias CoreJobState = JobState
typealias CoreReplicaState = ReplicaState
