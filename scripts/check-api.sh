#!/usr/bin/env bash
# Proves the API contract from outside, against a live scheduler on the real engine:
#   1. openapi-spec-validator accepts swagger.json;
#   2. schemathesis runs every operation of it against `job-scheduler serve` and finds no 5xx, no
#      answer that breaks its schema and no status code it does not document;
#   3. a Python client generated from it with openapi-python-client starts a job with a payload and
#      waits for it to succeed;
#   4. with `--token-file`, that client's AuthenticatedClient gets in and its plain Client gets 401, and
#      the token is nowhere in the scheduler's log.
# Exits non-zero on any failure. Leaves no container, process or temporary folder behind.
#
# Environment: SCRATCH_PATH (a `swift build --scratch-path`), MAX_EXAMPLES (schemathesis test cases
# per operation and phase, default 30), DOCKER_HOST (the engine, as for `serve`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH=/opt/swift/usr/bin:$PATH
python=${PYTHON:-python3}
max_examples=${MAX_EXAMPLES:-30}
swift_flags=()
[ -n "${SCRATCH_PATH:-}" ] && swift_flags+=(--scratch-path "$SCRATCH_PATH")

step() { echo "check-api: $*" >&2; }

# --- tools -----------------------------------------------------------------------------------------
missing=()
command -v openapi-spec-validator >/dev/null || missing+=("openapi-spec-validator")
command -v schemathesis >/dev/null && schemathesis --version 2>/dev/null | grep -q 'version 4\.' || missing+=("schemathesis>=4,<5")
command -v openapi-python-client >/dev/null || missing+=("openapi-python-client")
if [ ${#missing[@]} -gt 0 ]; then
    step "installing ${missing[*]}"
    "$python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"
    hash -r
fi

# --- 1. the document -------------------------------------------------------------------------------
step "openapi-spec-validator swagger.json"
openapi-spec-validator swagger.json

# --- a live scheduler --------------------------------------------------------------------------------
docker image inspect jobsched-busybox:latest >/dev/null 2>&1 || bash scripts/build-images.sh >&2
step "building job-scheduler"
swift build "${swift_flags[@]}" --product job-scheduler >&2
bin=$(swift build "${swift_flags[@]}" --show-bin-path)/job-scheduler

source scripts/live-scheduler.sh
live_scheduler_init check-api
cleanup() {
    local status=$?
    live_scheduler_cleanup $status
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(live_scheduler_free_port)
cat > "$work/radixconfig.yaml" <<YAML
apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: $app
spec:
  environments:
    - name: dev
  jobs:
    - name: check
      image: jobsched-busybox:latest
      schedulerPort: $port
      payload:
        path: /args
      command: ["sh", "-c", "test -f /args/payload && echo payload: \$(wc -c < /args/payload) bytes"]
      timeLimitSeconds: 60
YAML

live_scheduler_serve "$port" --history-limit 5 --stop-grace-period 1 --max-running 4

# --- 2. schemathesis ---------------------------------------------------------------------------------
# One worker: schemathesis' coverage phase parses Python source in threads, which CPython 3.11.7
# (this machine's) can fail at ("AST constructor recursion depth mismatch").
step "schemathesis over every operation (max $max_examples examples each)"
(
    cd "$work"
    SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$root/scripts" schemathesis run "$root/swagger.json" \
        --url "$base" \
        --checks not_a_server_error,response_schema_conformance,status_code_conformance \
        --max-examples "$max_examples" \
        --request-timeout 120 \
        --generation-database none \
        --seed 4711 \
        --no-color \
        --workers 1
)
live_scheduler_remove_jobs

# --- 3. a generated Python client ------------------------------------------------------------------
step "openapi-python-client generate, and a job through the generated client"
(
    cd "$work"
    openapi-python-client generate --path "$root/swagger.json" --meta setup --output-path client >/dev/null
    "$python" -m venv --system-site-packages venv
    venv/bin/python -m pip install --quiet --disable-pip-version-check ./client
    cat > run_job.py <<'PY'
import sys
import time

import job_scheduler_client.api.job.create_job as create_job
import job_scheduler_client.api.job.get_job as get_job
import job_scheduler_client.api.job.get_job_logs as get_job_logs
import job_scheduler_client.api.job.delete_job as delete_job
from job_scheduler_client import Client
from job_scheduler_client.models import JobScheduleDescription, JobStatus, JobStatusStatus

client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True, timeout=30.0)
created = create_job.sync(client=client, body=JobScheduleDescription(payload='{"x": 10, "y": 20}', job_id="python-1"))
assert isinstance(created, JobStatus), f"POST /api/v1/jobs answered {created!r}"
print(f"created {created.name}: {created.status.value}")
deadline = time.monotonic() + 60
job = created
while job.status not in (JobStatusStatus.SUCCEEDED, JobStatusStatus.FAILED, JobStatusStatus.STOPPED):
    assert time.monotonic() < deadline, f"job {created.name} still {job.status.value} after 60 s"
    time.sleep(0.2)
    job = get_job.sync(client=client, job_name=created.name)
    assert isinstance(job, JobStatus), f"GET answered {job!r}"
print(f"job {job.name}: {job.status.value}, jobId {job.job_id}")
assert job.status == JobStatusStatus.SUCCEEDED, f"the job did not succeed: {job.message}"
assert job.job_id == "python-1"
logs = get_job_logs.sync_detailed(client=client, job_name=created.name)
assert logs.status_code == 200, logs
output = logs.content.decode()
print(f"its output: {output.strip()}")
assert output == "payload: 18 bytes\n", output
deleted = delete_job.sync(client=client, job_name=created.name)
assert deleted.code == 200, deleted
PY
    venv/bin/python run_job.py "$base"
)

# --- 4. the generated client with the bearer token --------------------------------------------------
step "the same scheduler with --token-file: the generated client's AuthenticatedClient gets in, Client gets 401"
kill -TERM "$server_pid" && wait "$server_pid" 2>/dev/null || true
live_scheduler_token
live_scheduler_serve "$port" --history-limit 5 --token-file "$work/token"
(
    cd "$work"
    cat > with_token.py <<'PY'
import sys

import job_scheduler_client.api.job.get_jobs as get_jobs
from job_scheduler_client import AuthenticatedClient, Client

base, token = sys.argv[1], sys.argv[2]
authorized = get_jobs.sync_detailed(client=AuthenticatedClient(base_url=base, token=token, timeout=30.0))
assert authorized.status_code == 200, authorized
refused = get_jobs.sync_detailed(client=Client(base_url=base, timeout=30.0))
assert refused.status_code == 401, refused
print("with the token: 200; without: 401")
PY
    venv/bin/python with_token.py "$base" "$token"
)
if grep -q "$token" "$work/serve.log"; then step "the token is in the scheduler's log"; exit 1; fi
step "passed"
