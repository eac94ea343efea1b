#!/usr/bin/env bash
# The web console in a real browser: a live `job-scheduler serve` (with a bearer token, so the page has
# to ask for it) on the real engine, and scripts/console_test.py driving headless Chromium through it
# with Selenium: run a job from the form and watch it go Waiting → Running → Succeeded, read its output,
# stop a long job, run a batch, run a schedule now, delete a job, use it with the keyboard and on a
# phone's screen. A screenshot of each step goes to the folder printed at the end (CONSOLE_SCREENSHOTS,
# by default a new folder under /tmp), kept after the run.
#
# Installs chromium, chromium-driver and selenium when missing. Leaves no container, process or
# temporary folder behind (but the screenshots).
#
# Environment: SCRATCH_PATH (a `swift build --scratch-path`), DOCKER_HOST (the engine, as for `serve`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
python=${PYTHON:-python3}
swift_flags=()
[ -n "${SCRATCH_PATH:-}" ] && swift_flags+=(--scratch-path "$SCRATCH_PATH")
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

step() { echo "console-test: $*" >&2; }

# --- tools -----------------------------------------------------------------------------------------
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "installing chromium and chromium-driver"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
"$python" -c "import selenium" 2>/dev/null || "$python" -m pip install --quiet --disable-pip-version-check selenium

# --- a live scheduler --------------------------------------------------------------------------------
docker image inspect jobsched-busybox:latest >/dev/null 2>&1 || bash scripts/build-images.sh >&2
step "building job-scheduler"
swift build "${swift_flags[@]}" --product job-scheduler >&2
bin=$(swift build "${swift_flags[@]}" --show-bin-path)/job-scheduler

source scripts/live-scheduler.sh
live_scheduler_init console-test
shots=${CONSOLE_SCREENSHOTS:-$(mktemp -d /tmp/console-screenshots.XXXXXX)}
cleanup() {
    local status=$?
    live_scheduler_cleanup $status
    step "screenshots of each step: $shots"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(live_scheduler_free_port)
live_scheduler_token
# The job: its payload on stdout, a line on stderr 0.3 s later (the engine stamps each stream's lines
# on its own, so lines written at once may be stamped in either order), $SLEEP seconds of work, done.
# Its schedule never comes due during the test: it runs when the console asks.
cat > "$work/radixconfig.yaml" <<YAML
apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: $app
spec:
  environments:
    - name: dev
  jobs:
    - name: work
      image: jobsched-busybox:latest
      schedulerPort: $port
      payload:
        path: /args
      command: ["sh", "-c", "echo \"payload: \$(cat /args/payload 2>/dev/null)\"; sleep 0.3; echo to stderr >&2; sleep \${SLEEP:-3}; echo done"]
      timeLimitSeconds: 120
      cron:
        timeZone: Europe/Oslo
        concurrency: Allow
        schedules:
          - "0 3 1 1 *"
YAML

live_scheduler_serve "$port" --token-file "$work/token" --stop-grace-period 1

step "headless Chromium through the console"
"$python" scripts/console_test.py "$base" "$token" "$shots"
