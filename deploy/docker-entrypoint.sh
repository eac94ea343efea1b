#!/bin/sh
# Entry point of the job-scheduler's image: runs job-scheduler as the unprivileged user jobsched
# (uid and gid 10001) with the group that owns the Docker socket added, so that it can use the engine
# without being root, whatever that group's id is on the host (docker on Debian, root on some desktops).
#
# Started as another user (`docker run --user`, compose `user:`), it runs job-scheduler unchanged:
# give that user the socket's group yourself (`--group-add`, compose `group_add:`).
set -eu
binary=/usr/local/bin/job-scheduler
# libcurl links GnuTLS (through librtmp), which initialises itself when loaded, for nothing: the
# scheduler speaks plain HTTP over a Unix socket. Without this, 1 MiB more resident.
export GNUTLS_NO_IMPLICIT_INIT=1
if [ "$(id -u)" != 0 ]; then
    exec "$binary" "$@"
fi
socket=${DOCKER_HOST:-unix:///var/run/docker.sock}
socket=${socket#unix://}
groups=10001
if [ -S "$socket" ]; then
    groups="10001,$(stat -c %g "$socket")"
else
    echo "docker-entrypoint: no Docker socket at $socket: mount the engine's socket there, or set DOCKER_HOST=unix:///path" >&2
fi
exec setpriv --reuid=10001 --regid=10001 --groups="$groups" --inh-caps=-all --no-new-privs -- "$binary" "$@"
