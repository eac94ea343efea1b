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
#        scripts/build-scheduler-image.sh --from-build [BINARY]
#
# --from-build compiles nothing: it puts a job-scheduler built here (default: the debug build's,
# .build/debug/job-scheduler, as scripts/test.sh makes it) into the runtime stage (the Dockerfile's
# target `prebuilt`), stripped, with the Swift runtime libraries it is linked with at the paths they have
# here (its run path names them). This machine must be what the image is: Debian 12, the same libcurl.
# (The binary is not linked statically: the objects of a normal build autolink the shared Foundation, so a
# static link would compile the package a second time, which is what this avoids.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
image=${JOB_SCHEDULER_IMAGE:-job-scheduler:latest}
configuration=${CONFIGURATION:-release}
from_build=""
case "${1:-}" in
--debug) configuration=debug ;;
--from-build) from_build=${2:-.build/debug/job-scheduler} ;;
esac

public_swift=$(sed -n 's/^ARG SWIFT_IMAGE=//p' deploy/Dockerfile)
public_runtime=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' deploy/Dockerfile)

if [ -n "$from_build" ]; then
    [ -x "$from_build" ] || { echo "build-scheduler-image: no binary at $from_build (swift build first)" >&2; exit 1; }
    if ! command -v strip >/dev/null 2>&1 || ! command -v readelf >/dev/null 2>&1; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq binutils >/dev/null
    fi
    if [ -z "${RUNTIME_IMAGE:-}" ]; then
        if docker image inspect "$public_runtime" >/dev/null 2>&1; then
            RUNTIME_IMAGE=$public_runtime
        else
            bash scripts/build-base-images.sh --runtime-only
            RUNTIME_IMAGE=jobsched-runtime:latest
        fi
    fi
    start=$(date +%s)
    context=$(mktemp -d /var/tmp/jobsched-image.XXXXXX)
    trap 'rm -rf "$context"' EXIT
    mkdir -p "$context/deploy" "$context/prebuilt/usr/local/bin"
    cp deploy/docker-entrypoint.sh "$context/deploy/"
    strip -o "$context/prebuilt/usr/local/bin/job-scheduler" "$from_build"
    # The libraries the binary finds through its run path (the toolchain's), not the system's.
    runpath=$(readelf -d "$from_build" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
    libraries=$(ldd "$from_build" | awk '$2 == "=>" { print $3 }' | while read -r library; do
        for dir in ${runpath//:/ }; do
            case $library in "$dir"/*) echo "$library" ;; esac
        done
    done | sort -u)
    for library in $libraries; do
        mkdir -p "$context/prebuilt$(dirname "$library")"
        cp "$library" "$context/prebuilt$library"
    done
    log=$(mktemp)
    trap 'rm -rf "$context" "$log"' EXIT
    docker build -f deploy/Dockerfile --target prebuilt -t "$image" --build-arg RUNTIME_IMAGE="$RUNTIME_IMAGE" "$context" >"$log" 2>&1 \
        || { tail -n 40 "$log" >&2; echo "build-scheduler-image: docker build failed (last lines above)" >&2; exit 1; }
    echo "build-scheduler-image: built $image from $from_build and $(echo "$libraries" | wc -w) Swift runtime libraries on $RUNTIME_IMAGE" \
        "in $(( $(date +%s) - start ))s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
    exit 0
fi

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
