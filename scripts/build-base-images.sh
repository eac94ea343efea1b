#!/usr/bin/env bash
# Makes, with no image registry, the two base images that deploy/Dockerfile builds FROM here:
#
#   jobsched-swift-build:latest  Debian 12 (debootstrap minbase) + what a Swift build needs, the Swift
#                                toolchain of /opt/swift, the Swift package mirror /opt/swift-packages
#                                and git's `url.<mirror>.insteadOf` settings (so packages resolve offline)
#   jobsched-runtime:latest      Debian 12 (debootstrap minbase) + libcurl4: what the scheduler needs
#
# Both come from Debian's packages through the apt mirror this machine uses, then `docker import`.
# Each image carries a fingerprint of its inputs (this script, the toolchain, the package mirror);
# an image whose fingerprint matches is kept, so a second run on the same machine takes a second.
# Elsewhere, use the public images instead (see deploy/Dockerfile): swift:6.3-bookworm, debian:bookworm-slim.
#
# Usage: scripts/build-base-images.sh [--force] [--runtime-only]     (as root: debootstrap needs it)
# Environment: SWIFT_BUILD_IMAGE, RUNTIME_BASE_IMAGE (names), SWIFT_ROOT (default /opt/swift),
#              SWIFT_PACKAGES (default /opt/swift-packages), DEBIAN_MIRROR (default: apt's first URI).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift_image=${SWIFT_BUILD_IMAGE:-jobsched-swift-build:latest}
runtime_image=${RUNTIME_BASE_IMAGE:-jobsched-runtime:latest}
swift_root=${SWIFT_ROOT:-/opt/swift}
packages_root=${SWIFT_PACKAGES:-/opt/swift-packages}
force=false
runtime_only=false
for argument in "$@"; do
    case $argument in
    --force) force=true ;;
    --runtime-only) runtime_only=true ;;
    esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v debootstrap >/dev/null 2>&1; then
    echo "build-base-images: installing debootstrap"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq debootstrap >/dev/null
fi

mirror=${DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
    mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n 1 || true)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    [ -n "$mirror" ] || { echo "build-base-images: no apt mirror in /etc/apt/sources.list(.d); set DEBIAN_MIRROR to one" >&2; exit 1; }
fi

# What a Swift build needs from Debian (the official swift:*-bookworm images install about the same),
# and what the scheduler needs at run time.
swift_packages="binutils,gcc,libc6-dev,libstdc++-12-dev,libgcc-12-dev,libcurl4-openssl-dev,pkg-config,git,libicu72,libxml2,libsqlite3-0,libncurses6,libedit2,libuuid1,zlib1g-dev,tzdata"
runtime_packages="libcurl4"

script_sum=$(sha256sum "$0" | cut -c1-16)
fingerprint() { docker image inspect -f '{{ index .Config.Labels "jobsched.fingerprint" }}' "$1" 2>/dev/null || true; }

# Debian minbase with extra packages into $2, as a tar stream to `docker import`.
bootstrap() {
    local dir=$1 include=$2
    echo "build-base-images: debootstrap bookworm ($include) from $mirror"
    $sudo debootstrap --variant=minbase --include="$include" bookworm "$dir" "$mirror" >"$dir.log" 2>&1 \
        || { tail -n 30 "$dir.log" >&2; echo "build-base-images: debootstrap failed (log above)" >&2; exit 1; }
    # No package lists or caches in the image; apt still works where a mirror is reachable.
    $sudo rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/*.log
}

work=$(mktemp -d /var/tmp/jobsched-base.XXXXXX)
trap '$sudo rm -rf "$work"' EXIT

# The runtime base.
runtime_fingerprint="$script_sum-$runtime_packages"
if ! $force && [ "$(fingerprint "$runtime_image")" = "$runtime_fingerprint" ]; then
    echo "build-base-images: $runtime_image is current"
else
    start=$(date +%s)
    bootstrap "$work/runtime" "$runtime_packages"
    $sudo tar -C "$work/runtime" -c . | docker import \
        --change "LABEL jobsched.fingerprint=$runtime_fingerprint" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$runtime_image" >/dev/null
    $sudo rm -rf "$work/runtime"
    echo "build-base-images: built $runtime_image in $(( $(date +%s) - start ))s"
fi

# The Swift build base.
$runtime_only && exit 0
[ -x "$swift_root/usr/bin/swift" ] || { echo "build-base-images: no Swift toolchain at $swift_root" >&2; exit 1; }
[ -d "$packages_root" ] || { echo "build-base-images: no package mirror at $packages_root" >&2; exit 1; }
swift_version=$("$swift_root/usr/bin/swift" --version 2>/dev/null | head -n 1)
mirror_sum=$(cd "$packages_root" && find . -path '*/refs/*' -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
swift_fingerprint="$script_sum-$(echo "$swift_version" | sha256sum | cut -c1-16)-$mirror_sum"
if ! $force && [ "$(fingerprint "$swift_image")" = "$swift_fingerprint" ]; then
    echo "build-base-images: $swift_image is current"
else
    start=$(date +%s)
    bootstrap "$work/swift" "$swift_packages"
    # Only git's mirror mapping, nothing else of the machine's git configuration.
    git config --system --get-regexp '^url\.' | while read -r key value; do
        $sudo git config --file "$work/swift/etc/gitconfig" --add "$key" "$value"
    done
    # The toolchain and the mirror, at the same paths as here (hard links when on the same file system).
    $sudo mkdir -p "$work/swift/opt"
    for tree in "$swift_root:opt/swift" "$packages_root:opt/swift-packages"; do
        $sudo cp -al "${tree%%:*}" "$work/swift/${tree#*:}" 2>/dev/null \
            || { $sudo rm -rf "$work/swift/${tree#*:}"; $sudo cp -a "${tree%%:*}" "$work/swift/${tree#*:}"; }
    done
    $sudo tar -C "$work/swift" -c . | docker import \
        --change "LABEL jobsched.fingerprint=$swift_fingerprint" \
        --change 'ENV PATH=/opt/swift/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - "$swift_image" >/dev/null
    echo "build-base-images: built $swift_image ($swift_version) in $(( $(date +%s) - start ))s"
fi
