#!/usr/bin/env bash
# Makes deploy/serve.order.gz, the functions a scheduler runs, for scripts/build-release.sh to lay out side
# by side: a release build runs `serve` under valgrind (callgrind) through start-up, a job's life and a
# batch's through the API, the pages and reads a client makes, and some idle time; every function of
# the binary it ran is listed. Run it again when much of the code has changed (a stale list costs
# only resident memory, never correctness); commit the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >&2
command -v valgrind >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; }
export PATH=/opt/swift/usr/bin:$PATH
binary=$(bash scripts/build-release.sh)

work=$(mktemp -d /var/tmp/serve-order.XXXXXX)
app="serve-order-$$"
port=${PORT:-18199}
cleanup() {
    docker ps -aq --filter "label=radix-app=$app" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=radix-app=$app" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
# Valgrind cannot read the Swift compiler's debug information: the copy it runs has only the symbols.
strip --strip-debug -o "$work/job-scheduler" "$binary"
cat > "$work/radixconfig.yaml" <<YAML
apiVersion: radix.equinor.com/v1
kind: RadixApplication
metadata:
  name: $app
spec:
  jobs:
    - name: compute
      image: jobsched-busybox:latest
      schedulerPort: $port
      payload:
        path: /compute/args
YAML
valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/callgrind.out" \
    "$work/job-scheduler" serve --config "$work/radixconfig.yaml" > "$work/serve.log" 2>&1 &
server=$!
api="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
    curl -fsS "$api/health" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.5
done
curl -fsS "$api/health" >/dev/null || { echo "make-serve-order: the scheduler did not come up" >&2; exit 1; }
# What a scheduler does for its clients: a job and a batch through their lives, the reads and pages.
job=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"payload":"order"}' "$api/api/v1/jobs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')
batch=$(curl -fsS -X POST -H 'Content-Type: application/json' -d '{"jobScheduleDescriptions":[{"payload":"a"},{"payload":"b"}]}' "$api/api/v1/batches" | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')
for _ in $(seq 1 240); do
    done_job=$(curl -fsS "$api/api/v1/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    done_batch=$(curl -fsS "$api/api/v1/batches/$batch" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    [ "$done_job" = Succeeded ] && [ "$done_batch" = Succeeded ] && break
    sleep 0.5
done
for path in /api/v1/jobs /api/v1/batches "/api/v1/jobs/$job/logs" /metrics /health / /swagger.json; do
    curl -fsS "$api$path" >/dev/null || true
done
curl -fsS -X DELETE "$api/api/v1/jobs/$job" >/dev/null || true
sleep 20   # idle: heartbeats, timers
kill -INT "$server"
wait "$server" || true

nm --defined-only "$work/job-scheduler" | awk '$2 ~ /^[tTwW]$/ { print $3 }' | sort -u > "$work/defined"
# Each function callgrind saw run (`fn=` lines), by its symbol: named where its id first appears, in
# an `fn=(id) name` or a `cfn=(id) name` line (a function called before it is listed itself), less
# callgrind's mark of a further context (`name'2`: in another thread, or recursion).
python3 - "$work/callgrind.out" > "$work/ran" <<'PY'
import re, sys
names, ran = {}, set()
for line in open(sys.argv[1], errors="replace"):
    match = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
    if not match:
        continue
    kind, ident, name = match.groups()
    if name:
        names[ident] = re.sub(r"'[0-9]+$", "", name)  # callgrind marks a function's further contexts: f'2
    if kind == "fn":
        ran.add(ident)
print("\n".join(sorted({names[i] for i in ran if i in names})))
PY
sort -u -o "$work/ran" "$work/ran"
comm -12 "$work/ran" "$work/defined" > "$work/order"
gzip -9nc "$work/order" > deploy/serve.order.gz
# The next release build links with the new list (SwiftPM does not know the linker reads it).
rm -f "$binary"
echo "make-serve-order: $(wc -l < "$work/order") functions in deploy/serve.order.gz" >&2
