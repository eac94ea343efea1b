#!/usr/bin/env bash
# Benchmarks of issues 6 and 11: job-scheduler against the Docker engine it runs on, side by side.
#
#   bash Benchmarks/run.sh [job-scheduler-bench options]     (e.g. --only 1 3 --runs 10)
#
# Builds the root package's `job-scheduler` as it ships (scripts/build-release.sh) and this folder's
# harness in release mode (in Benchmarks/.build: a package of its own that depends on the root one by path), builds the
# images, runs every measurement against the local engine and rewrites the generated block of the
# top-level BENCHMARKS.md. Takes 10 to 15 minutes on 2 cores once built. Not part of CI.
#
# Every container it makes is removed at the end, even on failure or Ctrl-C: the harness's own carry
# the label jobsched-bench=<run id>, the schedulers' belong to applications named jsb-<run id>-*.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
command -v swift >/dev/null || export PATH=/opt/swift/usr/bin:$PATH

need() {  # need COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null && return
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
    else
        echo "run.sh: $1 is missing: apt-get install $2" >&2; exit 1
    fi
}
need wrk wrk
need docker docker.io
need pkg-config pkg-config

# An engine, and the images (scripts/setup.sh installs and starts what is missing).
if docker info >/dev/null 2>&1; then
    bash "$root/scripts/build-images.sh"
else
    bash "$root/scripts/setup.sh"
fi

# The scheduler as it ships (the image's build: static, laid out by deploy/serve.order), in the root's .build.
echo "run.sh: building job-scheduler (scripts/build-release.sh), job-scheduler-bench and bench-baseline (release)" >&2
scheduler=$(bash "$root/scripts/build-release.sh")
cd "$here"
swift build -c release --product job-scheduler-bench
swift build -c release --product bench-baseline
bin=$(swift build -c release --show-bin-path)

run_id=$(head -c 64 /dev/urandom | tr -dc 'a-z0-9' | head -c 6)
work=$(mktemp -d "${TMPDIR:-/tmp}/jsb-$run_id.XXXX")

cleanup() {
    local ids pidfile
    ids=$( { docker ps -aq --filter "label=jobsched-bench=$run_id";
             docker ps -a --filter label=radix-app --format '{{.ID}} {{.Label "radix-app"}}' | awk -v p="jsb-$run_id-" 'index($2, p) == 1 { print $1 }'; } | sort -u)
    if [ -n "$ids" ]; then
        echo "run.sh: removing $(echo "$ids" | wc -l) leftover containers of run $run_id" >&2
        echo "$ids" | xargs -r docker rm -f >/dev/null 2>&1 || true
    fi
    # Volumes (stop requests, attempts, batch records) by their application's label: a batch's are named after the batch.
    docker volume ls --filter label=radix-app --format '{{.Name}} {{.Label "radix-app"}}' | awk -v p="jsb-$run_id-" 'index($2, p) == 1 { print $1 }' \
        | xargs -r docker volume rm -f >/dev/null 2>&1 || true
    # A scheduler still running from this run (the harness stops its own; this is for an interruption):
    # the harness keeps each one's process id in <work>/<application>/serve.pid while it runs.
    for pidfile in "$work"/*/serve.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# As the image's entry point runs the scheduler (deploy/docker-entrypoint.sh says why).
export GNUTLS_NO_IMPLICIT_INIT=1

"$bin/job-scheduler-bench" \
    --scheduler "$scheduler" \
    --baseline "$bin/bench-baseline" \
    --output "$root/BENCHMARKS.md" \
    --raw "$work/results.json" \
    --work-folder "$work" \
    --run-id "$run_id" \
    --swift-version "$(swift --version 2>/dev/null | head -n 1)" \
    "$@"
echo "run.sh: raw samples and scheduler logs in $work" >&2
