#!/usr/bin/env bash
# Prepares a Debian 12 machine (as root, or with sudo) to build, test and run the job-scheduler:
# installs the system packages it needs, starts a Docker engine if none answers, and builds the
# images of the tests and of the example application. Safe to run again: it only does what is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

packages=(libcurl4-openssl-dev pkg-config gcc libc6-dev docker.io docker-compose busybox-static socat)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    [ -x /opt/swift/usr/bin/swift ] && export PATH=/opt/swift/usr/bin:$PATH
    command -v swift >/dev/null 2>&1 || { echo "setup: no Swift toolchain found (Swift 6 is needed, see README)" >&2; exit 1; }
fi

# Use the engine that answers; start one only if none does.
socket=${DOCKER_HOST:-}
socket=${socket#unix://}
socket=${socket:-/var/run/docker.sock}
if ! docker info >/dev/null 2>&1; then
    echo "setup: starting dockerd"
    # Appended, not replaced: a failed test run's engine log outlives the engine's next start.
    $sudo sh -c 'nohup dockerd >>/var/log/dockerd.log 2>&1 &'
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 0.5
    done
    docker info >/dev/null 2>&1 || { echo "setup: dockerd did not come up on $socket (see /var/log/dockerd.log)" >&2; exit 1; }
fi

# The webhook tests check deliveries with the Standard Webhooks reference library.
python3 -c "import standardwebhooks" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check standardwebhooks
# The schedule tests check next-run times against croniter, an implementation we did not write.
python3 -c "import croniter" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check croniter

bash "$root/scripts/build-images.sh"
