#!/usr/bin/env bash
# The test command: sets the machine up, then builds and runs every test against the real engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH

swift build --build-tests
status=0
swift test --skip-build "$@" || status=$?

# Tests remove what they create; anything left is a bug worth seeing, and is cleaned up here.
leftovers=$(docker ps -aq --filter label=dockerengine.tests)
if [ -n "$leftovers" ]; then
    echo "test: tests left $(echo "$leftovers" | wc -l) container(s) behind; removing them" >&2
    docker rm -f $leftovers >/dev/null
    status=1
fi
exit $status
