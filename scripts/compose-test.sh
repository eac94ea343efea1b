#!/usr/bin/env bash
# The compose test: runs the example application of deploy/docker-compose.yml on the real engine.
#
# Builds what it needs (the busybox base and the job images, the components, the job-scheduler's image:
# scripts/build-scheduler-image.sh), brings it up with docker-compose, and waits for the backend
# component's report: it started a compute job through the scheduler's service name (http://compute:8000),
# the job succeeded with its payload, and the job's container answered at http://<job name>:3000 while
# it ran. It also checks the job's log and the ports published on 127.0.0.1. Then docker-compose down,
# after removing the job containers (the schedulers make them; compose does not manage them), and checks
# that no container, network or volume of the application is left.
#
# deploy/docker-compose.yml being current (generated from radixconfig.yaml) is checked by the Swift
# tests (GenerateComposeTests); here JOB_SCHEDULER_BIN, if set, checks it too.
#
# Environment: COMPOSE (default docker-compose, installed if missing, or "docker compose" when only
# Compose v2 is there), COMPOSE_PROJECT_NAME (default jobsched-compose-test), JOB_SCHEDULER_IMAGE
# (default job-scheduler:latest; built unless SKIP_SCHEDULER_IMAGE_BUILD=1), CONFIGURATION (release
# or debug, for the image), REPORT_TIMEOUT (300 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
compose_file=deploy/docker-compose.yml
project=${COMPOSE_PROJECT_NAME:-jobsched-compose-test}
export JOB_SCHEDULER_IMAGE=${JOB_SCHEDULER_IMAGE:-job-scheduler:latest}
# docker-compose (1.29, Debian's) unless COMPOSE says otherwise; Compose v2 when it is the only one here.
if [ -z "${COMPOSE:-}" ] && ! command -v docker-compose >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
fi
read -r -a compose_command <<<"${COMPOSE:-docker-compose}"
compose() { "${compose_command[@]}" -p "$project" -f "$compose_file" "$@"; }
say() { echo "compose-test: $*"; }
fail() { echo "compose-test: FAILED: $*" >&2; exit 1; }

# The application's name and network, as the compose file has them.
app=$(sed -n '/^metadata:/,/^[^ ]/s/^  name:[[:space:]]*//p' radixconfig.yaml | head -n 1)
network=$(sed -n '/^networks:/,$s/^    name:[[:space:]]*//p' "$compose_file" | head -n 1)
[ -n "$app" ] && [ -n "$network" ] || fail "cannot read the application's name or network"

# The engine's socket, for the schedulers' bind mount.
socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
export DOCKER_SOCKET=${DOCKER_SOCKET:-${socket#unix://}}

if [ "${compose_command[0]}" = docker-compose ] && ! command -v docker-compose >/dev/null 2>&1; then
    say "installing docker-compose"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose >/dev/null
fi

if [ -n "${JOB_SCHEDULER_BIN:-}" ]; then
    # Generated to standard output from deploy/, so its paths are written for that folder.
    bin=$(realpath "$JOB_SCHEDULER_BIN")
    current=$(cd deploy && "$bin" generate compose --config ../radixconfig.yaml --env dev) || fail "generate compose failed"
    diff -u "$compose_file" <(printf '%s\n' "$current") || fail "$compose_file is not current: regenerate it (see its header)"
fi

# Everything of the application on the engine: the project's containers, the job containers, the
# schedulers' stop-request volumes, the network.
leftovers() {
    docker ps -aq --filter "label=com.docker.compose.project=$project"
    docker ps -aq --filter "label=radix-app=$app"
    docker volume ls -q --filter "label=com.docker.compose.project=$project"
    docker volume ls -q --filter "label=radix-app=$app"
    docker network ls -q --filter "label=com.docker.compose.project=$project"
    docker network ls -q --filter "name=^$network\$"
}
# Stops the schedulers first (they would otherwise go on with the jobs), then removes the job
# containers, then the rest.
down() {
    compose stop -t 10 >/dev/null 2>&1 || true
    docker ps -aq --filter "label=radix-app=$app" | xargs -r docker rm -f >/dev/null
    compose down -v --remove-orphans -t 10 >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=radix-app=$app" | xargs -r docker volume rm -f >/dev/null
}
dump() {
    echo "compose-test: --- compose ps and logs ---" >&2
    compose ps >&2 || true
    compose logs --no-color --tail 80 >&2 || true
    for container in $(docker ps -aq --filter "label=radix-app=$app"); do
        echo "compose-test: --- job container $(docker inspect -f '{{.Name}}' "$container") ---" >&2
        docker logs --tail 40 "$container" >&2 || true
    done
}
work=$(mktemp -d)
finished=false
on_exit() {
    status=$?
    if ! $finished; then
        [ $status -eq 0 ] || dump
        down
    fi
    rm -rf "$work"
    exit $status
}
trap on_exit EXIT

# A run left over from before (an interrupted test) would get in the way.
if [ -n "$(leftovers)" ]; then
    say "removing what an earlier run left"
    down
fi

# The images: the busybox base the job images and the backend build FROM, then the scheduler's.
built=$(bash scripts/build-images.sh 2>&1) || { echo "$built" >&2; fail "scripts/build-images.sh failed"; }
if [ "${SKIP_SCHEDULER_IMAGE_BUILD:-0}" != 1 ]; then
    bash scripts/build-scheduler-image.sh
fi
docker image inspect "$JOB_SCHEDULER_IMAGE" >/dev/null 2>&1 || fail "no image $JOB_SCHEDULER_IMAGE"
images_done=$(date +%s)

# Published ports: free ones, so the test does not collide with schedulers already running here.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for variable in $(grep -o '\${[A-Z0-9_]*_PORT:-' "$compose_file" | sed 's/^\${//; s/:-$//' | sort -u); do
    export "$variable=$(free_port)"
done

say "building the job images and components"
compose --profile job-images build >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "docker-compose build failed"; }
say "up"
up_start=$(date +%s)
compose up -d

say "waiting for the backend's report"
deadline=$(( $(date +%s) + ${REPORT_TIMEOUT:-300} ))
report=""
until [ -n "$report" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no report from the backend within ${REPORT_TIMEOUT:-300}s"
    sleep 2
    report=$(compose logs --no-color backend 2>/dev/null | sed -n 's/.*backend: report: //p' | head -n 1)
done
say "backend: $report"
case $report in
    PASS*) ;;
    *) fail "the backend reported: $report" ;;
esac
job=$(echo "$report" | sed -n 's/^PASS job \([^ ]*\) .*/\1/p')

# (Each answer is read whole before grep looks at it: `grep -q` quitting early would fail the pipe.)
# The job's own log: it read the payload the backend gave it.
job_log=$(docker logs "$job" 2>&1)
grep -q 'compute: x + y = 30' <<<"$job_log" || { echo "$job_log" >&2; fail "job $job did not log x + y = 30"; }
# The job container is on the application's network, named after the job.
job_networks=$(docker inspect -f '{{ range $name, $_ := .NetworkSettings.Networks }}{{ $name }} {{ end }}' "$job")
grep -qw "$network" <<<"$job_networks" || fail "job $job is on $job_networks, not on $network"
# From the host: the scheduler's published port shows the job; the backend serves its report.
status=$(curl -fsS "http://127.0.0.1:$COMPUTE_SCHEDULER_PORT/api/v1/jobs/$job") || fail "the compute scheduler's published port did not answer"
grep -q '"status" *: *"Succeeded"' <<<"$status" || fail "the compute scheduler's published port shows $status"
served=$(curl -fsS "http://127.0.0.1:$BACKEND_PORT/report") || fail "the backend's published port did not answer"
grep -q '^PASS' <<<"$served" || fail "the backend's published port serves $served"
# The schedulers run as the unprivileged user, with the socket's group.
for service in compute etl; do
    container=$(compose ps -q "$service")
    user=$(docker top "$container" -o pid,uid,gid,comm | awk 'NR > 1 && $4 == "job-scheduler" { print $2 ":" $3 }')
    [ "$user" = "10001:10001" ] || fail "scheduler $service runs as ${user:-nothing}, not 10001:10001"
done
ran=$(date +%s)

say "down"
down
left=$(leftovers)
[ -z "$left" ] || { echo "$left" >&2; fail "docker-compose down left the above behind"; }
finished=true

say "passed: images $(( images_done - start ))s, up to report $(( ran - up_start ))s, total $(( $(date +%s) - start ))s"
