#!/bin/sh
# The example backend component, a sibling of the jobs as in Radix: it reaches the compute job's
# scheduler by the job's name ($COMPUTE_URL, http://compute:8000), starts a job with a payload, follows
# it until it ends, and checks that the job's container answers on its port at http://<job name>:3000
# while it runs. It reports once, as one line on stdout:
#   backend: report: PASS job <name> Succeeded; payload x=10 y=20; http://<name>:3000 answered "working: x=10 y=20 for 8s"
#   backend: report: FAIL <why>
# and keeps serving that line at http://<host>:8080/report, as a component keeps running.
#
# Knobs: COMPUTE_URL, HTTP_PORT (8080), JOB_PORT (3000), BACKEND_X (10), BACKEND_Y (20),
# BACKEND_JOB_SECONDS (8: how long the job works, so it can be reached meanwhile), BACKEND_TIMEOUT_SECONDS (180).
compute=${COMPUTE_URL:-http://compute:8000}
port=${HTTP_PORT:-8080}
job_port=${JOB_PORT:-3000}
x=${BACKEND_X:-10}
y=${BACKEND_Y:-20}
seconds=${BACKEND_JOB_SECONDS:-8}
deadline=$(( $(date +%s) + ${BACKEND_TIMEOUT_SECONDS:-180} ))

mkdir -p /tmp/www
echo "RUNNING" > /tmp/www/report
httpd -f -p "$port" -h /tmp/www &
httpd_pid=$!
trap 'kill $httpd_pid 2>/dev/null; exit 0' TERM INT

log() { echo "backend: $*"; }

# Reports, then goes on serving the report until stopped.
finish() {
    echo "$*" > /tmp/www/report
    echo "backend: report: $*"
    wait $httpd_pid
    exit 0
}

late() { [ "$(date +%s)" -ge "$deadline" ]; }

# The string value of the top-level JSON field $1 of the job status on stdin: on one line, without
# the podStatuses array (whose entries have a name and a status of their own).
field() {
    tr -d '\n' | sed -e 's/"podStatuses"[[:space:]]*:[[:space:]]*\[[^]]*\]//' \
        | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

# GET or POST (with data $2) on $1, the body on stdout; fails on a connection error or a status >= 400.
http() {
    if [ $# -gt 1 ]; then
        timeout 10 wget -q -O - --header 'Content-Type: application/json' --post-data "$2" "$1"
    else
        timeout 10 wget -q -O - "$1"
    fi
}

log "waiting for the scheduler at $compute"
until http "$compute/api/v1/jobs" >/dev/null 2>&1; do
    late && finish "FAIL the scheduler at $compute did not answer"
    sleep 1
done

payload="{\"x\": $x, \"y\": $y, \"seconds\": $seconds}"
request="{\"payload\": \"$(echo "$payload" | sed 's/"/\\"/g')\"}"
log "POST $compute/api/v1/jobs $request"
answer=$(http "$compute/api/v1/jobs" "$request" 2>&1) || finish "FAIL POST $compute/api/v1/jobs: $answer"
name=$(echo "$answer" | field name)
[ -n "$name" ] || finish "FAIL POST $compute/api/v1/jobs answered no job name: $answer"
log "job $name accepted: $answer"

status=""
page=""
while :; do
    late && finish "FAIL job $name did not end in time (last status: ${status:-none})"
    job=$(http "$compute/api/v1/jobs/$name" 2>&1) || finish "FAIL GET $compute/api/v1/jobs/$name: $job"
    previous=$status
    status=$(echo "$job" | field status)
    [ "$status" = "$previous" ] || log "job $name: $status"
    case $status in
        Succeeded | Failed | Stopped) break ;;
        Running)
            if [ -z "$page" ]; then
                page=$(timeout 3 wget -q -O - "http://$name:$job_port/" 2>/dev/null) \
                    && log "http://$name:$job_port answered: $page"
            fi
            ;;
    esac
    sleep 0.5
done

[ "$status" = Succeeded ] || finish "FAIL job $name ended $status: $(echo "$job" | field message)"
[ -n "$page" ] || finish "FAIL job $name Succeeded but http://$name:$job_port never answered while it ran"
case $page in
    *"x=$x y=$y"*) ;;
    *) finish "FAIL job $name Succeeded but http://$name:$job_port answered \"$page\", not the payload's x=$x y=$y" ;;
esac
finish "PASS job $name Succeeded; payload x=$x y=$y; http://$name:$job_port answered \"$page\""
