#!/usr/bin/env bash
# The run command: sets the machine up, builds the job-scheduler and serves every job of
# radixconfig.yaml, each on its schedulerPort. Extra arguments go to `job-scheduler serve`
# (for example `--env prod` or `--job compute`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export PATH=/opt/swift/usr/bin:$PATH
swift build --product job-scheduler
bin=$(swift build --show-bin-path)/job-scheduler
"$bin" validate --config radixconfig.yaml
exec "$bin" serve --config radixconfig.yaml "$@"
