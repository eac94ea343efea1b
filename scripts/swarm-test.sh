#!/usr/bin/env bash
# The scheduler on a three-node Docker Swarm (scripts/swarm.sh: three engines in network namespaces of
# their own, on this one machine): the API's integration tests run again with the swarm runtime (the
# same tests, JOBSCHED_TEST_RUNTIME=swarm), then the swarm's own: jobs spread over the nodes, a job that
# fits nowhere waits saying why, the manager's engine restarted and a node killed under running jobs. Everything is torn down at the end.
# Expects the tests built (swift build --build-tests) and the test image on the host engine.
# Usage: scripts/swarm-test.sh [swift test filter]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH

started=$(date +%s)
trap 'bash scripts/swarm.sh down >&2 || true' EXIT
# A short heartbeat: a killed node is marked down in seconds, not in 15.
# Node 3 has two GPUs (a generic resource; nothing uses them).
manager=$(SWARM_IMAGES="jobsched-busybox:latest" SWARM_HEARTBEAT=1s SWARM_GENERIC_RESOURCES="3:gpu=2" bash scripts/swarm.sh up | tail -1)
echo "swarm-test: three nodes up in $(( $(date +%s) - started ))s; manager $manager" >&2

# The suites that work through the API only (the others read containers or cut the engine's socket:
# they are about one engine), and two of `serve` as a process killed with SIGKILL and started again
# (with --runtime swarm). SwarmTests runs only here.
default_filter='JobLifecycleTests|LiveServerTests|BatchAPITests|EngineBatchTests|RestartAPITests|LogsTests|EventStreamTests|IdempotencyAPITests|ScheduleAPITests|GeneratedClientTests|RequestErrorTests|SwarmTests|killedAndRestartedItReportsEveryJobRightAndRunsNoneTwice|keyedPostsRepeatedAfterASIGKILLMakeOneJobPerKey'
export DOCKER_HOST=$manager JOBSCHED_TEST_RUNTIME=swarm JOBSCHED_SWARM_SCRIPT="$root/scripts/swarm.sh"
status=0
# (A bounded number of tests at once, as scripts/test.sh says why.)
width=(--experimental-maximum-parallelization-width "${JOBSCHED_TEST_WIDTH:-8}")
swift test --skip-build "${width[@]}" --filter "${1:-$default_filter}" || status=$?
# Alone: the manager's engine restarts under running jobs. Last and alone: a worker is killed and stays down.
if [ -z "${1:-}" ]; then
    swift test --skip-build --filter SwarmManagerRestart || status=$?
    swift test --skip-build --filter SwarmNodeLoss || status=$?
fi
echo "swarm-test: $([ $status -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started ))s" >&2
exit $status
