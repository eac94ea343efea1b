#!/usr/bin/env bash
# The test command: sets the machine up, then builds and runs every test against the real engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# How long each part took, printed at the end (BENCHMARKS.md reports the test command's time).
started=$SECONDS mark=$SECONDS times=()
took() { times+=("$1 $((SECONDS - mark))s"); mark=$SECONDS; }
bash scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
took setup
# Where the engine's log stood before the run (when setup.sh started the engine, it logs there).
engine_log=/var/log/dockerd.log
engine_log_lines=$(wc -l < "$engine_log" 2>/dev/null || echo 0)

# Containers of test applications: those a test leaves behind are reported below; any that were
# there before this run are not this run's doing.
test_containers() {
    (docker ps -aq --filter label=dockerengine.tests
     docker ps -a --filter label=radix-app --format '{{.ID}} {{.Label "radix-app"}}' | awk '$2 != "radix-example" {print $1}') | sort -u
}
before=$(test_containers)

swift build --build-tests
took build
status=0
# Every test's output is kept too, so that the failures can be repeated at the end, where a long
# log's reader looks first.
log=$(mktemp /tmp/jobsched-test.XXXXXX)
fuzz_build_log=$(mktemp /tmp/jobsched-fuzz-build.XXXXXX)
fuzz_build=""
trap 'rm -f "$log" "$fuzz_build_log"; [ -z "$fuzz_build" ] || kill "$fuzz_build" 2>/dev/null || true' EXIT
if [ $# -eq 0 ]; then
    # The fuzzers' build (a second compilation, with sanitizers) runs meanwhile at the lowest priority:
    # it takes only the CPU time the tests, which mostly wait for containers, leave unused.
    nice -n 19 bash scripts/fuzz.sh --build-only >"$fuzz_build_log" 2>&1 & fuzz_build=$!
fi
# At most 8 tests at once (JOBSCHED_TEST_WIDTH): the engine starts containers one at a time (its network
# set-up is serialized, with synced writes), so 460 tests at once queued starts past a minute on a loaded
# machine and tests timed out waiting; 8 keep its queue short and take no longer.
export JOBSCHED_TEST_WIDTH=${JOBSCHED_TEST_WIDTH:-8}
run_tests() { swift test --skip-build --experimental-maximum-parallelization-width "$JOBSCHED_TEST_WIDTH" "$@" 2>&1 | tee -a "$log"; }
if [ $# -gt 0 ]; then
    run_tests "$@" || status=$?
else
    # The bursts (100 jobs at once) run on their own, after the rest: on 2 cores they would
    # otherwise slow every other test's containers down.
    run_tests --skip '[Bb]urst' || status=$?
    took "swift tests"
    run_tests --filter '[Bb]urst' || status=$?
    took bursts
    # The same API tests again with the swarm runtime, on a three-node swarm made on this machine
    # (scripts/swarm.sh), then the swarm's own: spread, waiting for a node, a node killed under jobs.
    bash scripts/swarm-test.sh 2>&1 | tee -a "$log" || status=$?
    took swarm
fi
# The contract proven from outside: spec validator, schemathesis on a live scheduler, a generated Python client.
bash scripts/check-api.sh || status=$?
took check-api
# The web console in headless Chromium (Selenium), a screenshot of each step kept in the folder it prints.
bash scripts/console-test.sh || status=$?
took console
if [ $# -eq 0 ]; then
    # libFuzzer on the radixconfig parser and the API's request bodies, a minute each (FUZZ_SECONDS),
    # once their build (started after the main one) is done.
    fuzz_built=0
    wait "$fuzz_build" || fuzz_built=$?
    fuzz_build=""
    cat "$fuzz_build_log"
    if [ $fuzz_built -ne 0 ]; then
        echo "test: the fuzzers' build failed" >&2
        status=1
    else
        bash scripts/fuzz.sh --run-only "${FUZZ_SECONDS:-60}" || status=$?
    fi
    took fuzz
fi
if [ $# -eq 0 ]; then
    # The example application in containers (deploy/): the scheduler's image made from the binary built
    # above (deploy/Dockerfile's target prebuilt: nothing compiled again), docker-compose up, the
    # backend's job through http://compute:8000, docker-compose down leaving nothing behind.
    bash scripts/build-scheduler-image.sh --from-build "$(swift build --show-bin-path)/job-scheduler" || status=$?
    SKIP_SCHEDULER_IMAGE_BUILD=1 bash scripts/compose-test.sh || status=$?
    took compose
    # The same application as a stack (deploy/docker-stack.yml) on a three-node swarm, with that image.
    bash scripts/stack-test.sh || status=$?
    took stack
fi

# Tests remove what they create; anything left is a bug worth seeing, and is cleaned up here.
# (The example application, radix-example, may be running for real and is left alone.)
leftovers=$(comm -13 <(echo "$before") <(test_containers) | grep . || true)
if [ -n "$leftovers" ]; then
    echo "test: tests left $(echo "$leftovers" | wc -l) container(s) behind; removing them" >&2
    docker rm -f $leftovers >/dev/null
    status=1
fi
if [ $status -ne 0 ]; then
    echo "test: FAILED; the failures reported by the tests:" >&2
    grep -E '✘|recorded an issue|error:|Fatal error|Test run with' "$log" | grep -v 'passed after' | tail -n 60 >&2 || true
    # What the engine itself refused during the run, most frequent first (answers to clients that had
    # gone, broken pipes, are left out), for failures that start in the engine.
    if [ -r "$engine_log" ]; then
        echo "test: the engine's errors during the run:" >&2
        tail -n "+$((engine_log_lines + 1))" "$engine_log" | grep 'level=error' | grep -v 'broken pipe' \
            | sed -E 's/^time="[^"]*" //; s/[0-9a-f]{64}/<id>/g; s/-[0-9]{14}-[a-z0-9-]+/-<job>/g' \
            | sort | uniq -c | sort -rn | head -n 15 >&2 || true
    fi
fi
echo "test: $([ $status -eq 0 ] && echo passed || echo FAILED) in $((SECONDS - started))s (${times[*]})" >&2
exit $status
