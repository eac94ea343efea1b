#!/usr/bin/env bash
# The test command: sets the machine up, then builds and runs every test against the real engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH

# Containers of test applications: those a test leaves behind are reported below; any that were
# there before this run are not this run's doing.
test_containers() {
    (docker ps -aq --filter label=dockerengine.tests
     docker ps -a --filter label=radix-app --format '{{.ID}} {{.Label "radix-app"}}' | awk '$2 != "radix-example" {print $1}') | sort -u
}
before=$(test_containers)

swift build --build-tests
status=0
if [ $# -gt 0 ]; then
    swift test --skip-build "$@" || status=$?
else
    # The bursts (100 jobs at once) run on their own, after the rest: on 2 cores they would
    # otherwise slow every other test's containers down.
    swift test --skip-build --skip '[Bb]urst' || status=$?
    swift test --skip-build --filter '[Bb]urst' || status=$?
fi
# The contract proven from outside: spec validator, schemathesis on a live scheduler, a generated Python client.
bash scripts/check-api.sh || status=$?

# Tests remove what they create; anything left is a bug worth seeing, and is cleaned up here.
# (The example application, radix-example, may be running for real and is left alone.)
leftovers=$(comm -13 <(echo "$before") <(test_containers) | grep . || true)
if [ -n "$leftovers" ]; then
    echo "test: tests left $(echo "$leftovers" | wc -l) container(s) behind; removing them" >&2
    docker rm -f $leftovers >/dev/null
    status=1
fi
exit $status
