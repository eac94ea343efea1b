#!/usr/bin/env bash
# Builds the job-scheduler's image from deploy/Dockerfile, tagged job-scheduler:latest (or $JOB_SCHEDULER_IMAGE).
#
# The build context is only what git knows of the work tree (tracked files, and new ones it does not
# ignore), so the build folders (.build*, gigabytes) are never sent to the engine.
#
# Base images: $SWIFT_IMAGE and $RUNTIME_IMAGE when set; else the Dockerfile's public defaults when the
# engine already has them; else (no registry here) the ones scripts/build-base-images.sh makes from
# Debian's packages, which it builds first if they are missing or out of date.
#
# Usage: scripts/build-scheduler-image.sh [--debug]       (--debug: CONFIGURATION=debug, a faster build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${JOB_SCHEDULER_IMAGE:-job-scheduler:latest}
configuration=${CONFIGURATION:-release}
[ "${1:-}" = "--debug" ] && configuration=debug

public_swift=$(sed -n 's/^ARG SWIFT_IMAGE=//p' deploy/Dockerfile)
public_runtime=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' deploy/Dockerfile)
if [ -z "${SWIFT_IMAGE:-}" ] || [ -z "${RUNTIME_IMAGE:-}" ]; then
    if docker image inspect "$public_swift" "$public_runtime" >/dev/null 2>&1; then
        SWIFT_IMAGE=${SWIFT_IMAGE:-$public_swift}
        RUNTIME_IMAGE=${RUNTIME_IMAGE:-$public_runtime}
    else
        bash scripts/build-base-images.sh
        SWIFT_IMAGE=${SWIFT_IMAGE:-jobsched-swift-build:latest}
        RUNTIME_IMAGE=${RUNTIME_IMAGE:-jobsched-runtime:latest}
    fi
fi

echo "build-scheduler-image: $image ($configuration) from $SWIFT_IMAGE and $RUNTIME_IMAGE"
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' file; do [ -e "$file" ] || [ -L "$file" ] && printf '%s\0' "$file"; done \
    | tar --null --no-recursion -T - -c \
    | docker build -f deploy/Dockerfile -t "$image" \
        --build-arg SWIFT_IMAGE="$SWIFT_IMAGE" \
        --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" \
        --build-arg CONFIGURATION="$configuration" \
        - >"$log" 2>&1 \
    || { tail -n 60 "$log" >&2; echo "build-scheduler-image: docker build failed (last lines above)" >&2; exit 1; }
echo "build-scheduler-image: built $image in $(( $(date +%s) - start ))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
