#!/usr/bin/env bash
# Builds the images the tests and the example application need, with no registry:
# a base image FROM scratch holding Debian's static busybox, and the example
# application's job images on top of it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "build-images: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$busybox" "$context/busybox"
cat > "$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN ["/bin/busybox", "mkdir", "-p", "/tmp", "/etc"]
RUN ["/bin/busybox", "sh", "-c", "echo 'root:x:0:0:root:/:/bin/sh' > /etc/passwd && echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd && echo 'root:x:0:' > /etc/group && echo 'nogroup:x:65534:' >> /etc/group && chmod 1777 /tmp"]
ENV PATH=/bin
CMD ["sh"]
DOCKERFILE
docker build -q -t jobsched-busybox:latest "$context" >/dev/null
echo "built jobsched-busybox:latest"

# The example application's job images (radixconfig.yaml), each from its src folder.
for dir in "$root"/deploy/app/*/; do
    [ -f "$dir/Dockerfile" ] || continue
    name=$(basename "$dir")
    docker build -q -t "radix-example/$name:latest" "$dir" >/dev/null
    echo "built radix-example/$name:latest"
done
