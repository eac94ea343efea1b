#!/bin/sh
# The example compute job.
#
# Payload: the file $PAYLOAD_FILE (default /compute/args/payload, where the job-scheduler
# mounts it). It is printed, and these JSON-ish integer fields are understood:
#   "x": N, "y": N   -> the job prints x + y and x * y (missing fields count as 0)
#   "seconds": N     -> how long to work (else $WORK_SECONDS, default 2)
#   "exit": N        -> the exit code to finish with (default 0), to try out failures
# While working it serves a status page on port $HTTP_PORT (default 3000), the port
# declared in radixconfig.yaml, so other containers can reach a running job.

payload_file=${PAYLOAD_FILE:-/compute/args/payload}
port=${HTTP_PORT:-3000}

# Reads integer field $1 from the payload, or prints $2 when it is absent.
field() {
    value=$(sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\(-\{0,1\}[0-9][0-9]*\).*/\1/p" "$payload_file" 2>/dev/null | head -n 1)
    echo "${value:-$2}"
}

echo "compute: job ${RADIX_JOB_NAME:-$(hostname)} starting${GREETING:+ ($GREETING)}"
if [ -f "$payload_file" ]; then
    echo "compute: payload from $payload_file:"
    cat "$payload_file"
    echo
else
    echo "compute: no payload at $payload_file"
fi

x=$(field x 0)
y=$(field y 0)
seconds=$(field seconds "${WORK_SECONDS:-2}")
code=$(field exit 0)
echo "compute: x + y = $((x + y))"
echo "compute: x * y = $((x * y))"

mkdir -p /tmp/www
echo "working: x=$x y=$y for ${seconds}s" > /tmp/www/index.html
httpd -f -p "$port" -h /tmp/www &
httpd_pid=$!
trap 'kill $httpd_pid 2>/dev/null; echo "compute: stopped" >&2; exit 143' TERM INT
echo "compute: serving status on port $port for ${seconds}s"

sleep "$seconds" &
wait $!

echo "done: x + y = $((x + y))" > /tmp/www/index.html
kill $httpd_pid 2>/dev/null
if [ "$code" -ne 0 ]; then
    echo "compute: failing with exit code $code as the payload asked" >&2
fi
echo "compute: finished"
exit "$code"
