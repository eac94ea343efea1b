#!/usr/bin/env bash
# The stack test: the example application of deploy/docker-stack.yml (`generate compose --swarm`) on the
# three-node swarm of scripts/swarm.sh, deployed with `docker stack deploy`.
#
# The schedulers run on the manager with --runtime swarm and read radixconfig.yaml from a swarm config;
# the backend component (on any node) starts a compute job through http://compute:8000, the job runs as
# a swarm service on the attachable overlay network and answers at http://<job name>:3000, and the
# backend reports PASS. The test also reads the job's logs through the swarm, the backend's report on
# its published port (host mode, on the node it runs on), then `docker stack rm` and the removal of the
# jobs the header of the file describes, checking that nothing of the application is left, and tears
# the swarm down.
#
# Needs the scheduler's image ($JOB_SCHEDULER_IMAGE, default job-scheduler:latest: scripts/compose-test.sh
# or scripts/build-scheduler-image.sh builds it). Environment: REPORT_TIMEOUT (180 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
start=$(date +%s)
stack_file=deploy/docker-stack.yml
export JOB_SCHEDULER_IMAGE=${JOB_SCHEDULER_IMAGE:-job-scheduler:latest}
say() { echo "stack-test: $*"; }
fail() { echo "stack-test: FAILED: $*" >&2; exit 1; }

app=$(sed -n '/^metadata:/,/^[^ ]/s/^  name:[[:space:]]*//p' radixconfig.yaml | head -n 1)
[ -n "$app" ] || fail "cannot read the application's name"
docker image inspect "$JOB_SCHEDULER_IMAGE" >/dev/null 2>&1 ||
    fail "no image $JOB_SCHEDULER_IMAGE (scripts/build-scheduler-image.sh makes it)"
built=$(bash scripts/build-images.sh 2>&1) || { echo "$built" >&2; fail "scripts/build-images.sh failed"; }
images="jobsched-busybox:latest $JOB_SCHEDULER_IMAGE $(echo "$built" | sed -n 's/^built \(radix-example\/.*\)$/\1/p' | tr '\n' ' ')"

finished=false
on_exit() {
    status=$?
    if ! $finished && [ -n "${DOCKER_HOST:-}" ]; then
        echo "stack-test: --- services ---" >&2
        docker service ls >&2 || true
        for service in $(docker service ls -q 2>/dev/null); do
            echo "stack-test: --- logs of $(docker service inspect -f '{{.Spec.Name}}' "$service") ---" >&2
            docker service logs --no-task-ids --tail 30 "$service" >&2 || true
        done
    fi
    bash scripts/swarm.sh down >&2 || true
    exit $status
}
trap on_exit EXIT
manager=$(SWARM_IMAGES="$images" bash scripts/swarm.sh up | tail -1)
export DOCKER_HOST=$manager
# The schedulers bind the manager's socket; on this test swarm it is not /var/run/docker.sock.
export DOCKER_SOCKET=${manager#unix://}
up=$(date +%s)

say "docker stack deploy"
docker stack deploy --resolve-image never -c "$stack_file" "$app"

say "waiting for the backend's report"
deadline=$(( $(date +%s) + ${REPORT_TIMEOUT:-180} ))
report=""
until [ -n "$report" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "no report from the backend within ${REPORT_TIMEOUT:-180}s"
    sleep 2
    report=$(docker service logs --raw "${app}_backend" 2>/dev/null | sed -n 's/.*backend: report: //p' | head -n 1)
done
say "backend: $report"
case $report in
    PASS*) ;;
    *) fail "the backend reported: $report" ;;
esac
job=$(echo "$report" | sed -n 's/^PASS job \([^ ]*\) .*/\1/p')

# The job was a service of the swarm, made by the scheduler, on the application's network.
[ "$(docker service inspect -f '{{index .Spec.Labels "radix-app"}}' "$job")" = "$app" ] || fail "no service $job labelled radix-app=$app"
networks=$(docker service inspect -f '{{range .Spec.TaskTemplate.Networks}}{{.Target}} {{end}}' "$job")
network_id=$(docker network inspect -f '{{.Id}}' "$app-jobs")
grep -qw "$network_id" <<<"$networks" || fail "job $job is not on $app-jobs ($networks)"
job_log=$(docker service logs --raw "$job" 2>&1)
grep -q 'compute: x + y = 30' <<<"$job_log" || { echo "$job_log" >&2; fail "job $job did not log x + y = 30"; }
job_node=$(docker service ps --format '{{.Node}}' "$job" | head -n 1)
# The schedulers are on the manager; the backend's public port is published on its node.
for service in compute etl; do
    node=$(docker service ps --filter desired-state=running --format '{{.Node}}' "${app}_$service" | head -n 1)
    [ "$node" = jsw-node1 ] || fail "scheduler $service runs on ${node:-no node}, not on the manager jsw-node1"
done
backend_node=$(docker service ps --filter desired-state=running --format '{{.Node}}' "${app}_backend" | head -n 1)
backend_address=10.231.0.1${backend_node#jsw-node}
served=$(curl -fsS --max-time 5 "http://$backend_address:8080/report") || fail "the backend's port on $backend_node did not answer"
grep -q '^PASS' <<<"$served" || fail "the backend's published port serves $served"
say "job $job ran on $job_node, the backend on $backend_node"
ran=$(date +%s)

say "removal, as the file's header gives it"
docker stack rm "$app" >/dev/null 2>&1 || true   # (its network is still in use by the job)
docker service ls -q --filter "label=radix-app=$app" | xargs -r docker service rm >/dev/null
docker config ls -q --filter "label=radix-app=$app" | xargs -r docker config rm >/dev/null
leftovers() {
    docker service ls -q --filter "label=radix-app=$app"
    docker service ls -q --filter "label=com.docker.stack.namespace=$app"
    docker config ls -q --filter "label=com.docker.stack.namespace=$app"
    docker config ls -q --filter "label=radix-app=$app"
    docker volume ls -q --filter "label=radix-app=$app"
    docker network ls -q --filter "label=com.docker.stack.namespace=$app"
}
# The network and the volumes go once the tasks' containers are gone, which takes a moment.
deadline=$(( $(date +%s) + 60 ))
until [ -z "$(leftovers)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { leftovers >&2; fail "the removal left the above behind"; }
    sleep 1
    docker stack rm "$app" >/dev/null 2>&1 || true
    docker volume ls -q --filter "label=radix-app=$app" | xargs -r docker volume rm >/dev/null 2>&1 || true
done
finished=true
say "passed: swarm up $(( up - start ))s, deploy to report $(( ran - up ))s, total $(( $(date +%s) - start ))s"
