#!/usr/bin/env bash
# A three-node Docker Swarm on this one machine, for tests of the scheduler against a real swarm.
#
# Each node is an extra dockerd (with its own containerd) in a network namespace of its own
# (jsw-node1..3, eth0 = 10.231.0.11..13/24), the namespaces joined by the host bridge jsw0
# (10.231.0.1/24). node1 is the manager, node2 and node3 are workers. The host's own engine is not
# touched. Traffic stays on 10.231.0.0/24: the namespaces have no default route and nothing is NATed.
#
# The daemons are started with `nsenter --net=/var/run/netns/...`, not `ip netns exec`: the latter
# also unshares the mount namespace and remounts /sys, which hides the cgroup mounts, and dockerd then
# refuses to start. nsenter only switches the network namespace (and unshare gives each node its own
# hostname, jsw-nodeN, so `docker node ls` tells them apart).
#
# Usage (as root):
#   scripts/swarm.sh up           tear down leftovers, then start the swarm; the manager's socket
#                                 (unix:///run/jobsched-swarm/node1.sock) is the last line on stdout,
#                                 everything else goes to stderr: manager=$(scripts/swarm.sh up | tail -1)
#   scripts/swarm.sh down         remove everything up made (processes, mounts, namespaces, links,
#                                 the iptables rule, data); exit 0 when nothing is up; safe twice
#   scripts/swarm.sh kill-node N  SIGKILL node N's dockerd, containerd, shims and containers
#   scripts/swarm.sh restart-engine N  stop node N's dockerd (SIGTERM, as a service restart does: its
#                                 own containers are stopped) and start it again; returns when every
#                                 node is Ready again in the manager's view
#   scripts/swarm.sh status       `docker node ls` on the manager
#
# Environment:
#   SWARM_IMAGES    space-separated images to copy from the host engine into every node; unset means
#                   every host image whose repository starts with jobsched-test or radix-example,
#                   set and empty means none. Images missing on the host are skipped with a warning.
#   SWARM_LOG_DIR   where the daemons log (default /tmp/jobsched-swarm; kept after down, for post-mortems)
#   SWARM_TIMEOUT   seconds to wait for each step of up (default 60)
#   SWARM_GENERIC_RESOURCES  space-separated N:KIND=COUNT, generic resources node N advertises
#                   (dockerd --node-generic-resource KIND=COUNT), e.g. "3:gpu=2" for two GPUs on node 3
#   SWARM_HEARTBEAT the swarm's dispatcher heartbeat period (e.g. 1s; default Docker's 5s): a killed
#                   node is marked Down after about 2-3 periods
#
# Nodes run with DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1, so tasks use the loaded images and never try
# a registry (there is none to reach). Create services with --no-resolve-image (CLI) for the same
# reason. The kernel here has no IPVS, so services' virtual IPs do not load-balance; use
# --endpoint-mode dnsrr where that matters.
set -euo pipefail

NODES=(1 2 3)
BRIDGE=jsw0
NET_PREFIX=10.231.0           # bridge .1, node N .1N
RUN_DIR=/run/jobsched-swarm
DATA_DIR=/var/lib/jobsched-swarm
LOG_DIR=${SWARM_LOG_DIR:-/tmp/jobsched-swarm}
TIMEOUT=${SWARM_TIMEOUT:-60}
FORWARD_RULE=(FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT)

log() { echo "swarm.sh: $*" >&2; }
die() { echo "swarm.sh: ERROR: $*" >&2; exit 1; }

netns() { echo "jsw-node$1"; }
veth() { echo "$BRIDGE-n$1"; }                 # host end of node N's veth pair
node_addr() { echo "$NET_PREFIX.1$1"; }
sock() { echo "unix://$RUN_DIR/node$1.sock"; }
exec_root() { echo "$RUN_DIR/node$1"; }
data_root() { echo "$DATA_DIR/node$1"; }
containerd_sock() { echo "$RUN_DIR/node$1/containerd/containerd.sock"; }
nd() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }   # docker CLI against node N

# --- prerequisites --------------------------------------------------------------------------------

ensure_tools() {
    [ "$(id -u)" -eq 0 ] || die "must run as root"
    local missing=() cmd pkg
    for pair in ip:iproute2 iptables:iptables nsenter:util-linux setsid:util-linux unshare:util-linux; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    fi
    for cmd in dockerd containerd docker; do
        command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (install docker.io)"
    done
}

# Start a command detached: own session, no inherited descriptors but /dev/null and the log file,
# so it outlives this script and never holds a caller's pipe open (e.g. $(swarm.sh up | tail -1)).
launch() {
    local logfile=$1; shift
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec setsid "$@" </dev/null >>"$logfile" 2>&1
    ) &
}

# Wait until "$@" succeeds, at most $TIMEOUT seconds; $1 is the description for the error.
wait_for() {
    local what=$1; shift
    local deadline=$((SECONDS + TIMEOUT))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.5
    done
    log "$what: ok"
}

# --- processes ------------------------------------------------------------------------------------

# PIDs of node N's dockerd, containerd and containerd shims: their command lines name its exec root
# or socket (/run/jobsched-swarm/nodeN...). Other processes (e.g. a docker CLI using the socket) are
# not included.
node_daemon_pids() {
    local n=$1 pid comm
    for pid in $(pgrep -f -- "$RUN_DIR/node$n([^0-9]|\$)" || true); do
        comm=$(cat "/proc/$pid/comm" 2>/dev/null) || continue
        case $comm in dockerd | containerd | containerd-shim*) echo "$pid" ;; esac
    done
}

# The containers' init processes of node N: the children of its shims. SIGKILL on a container's
# init kills its whole PID namespace; killing the shim alone would leave the container running.
node_container_pids() {
    local pid
    for pid in $(node_daemon_pids "$1"); do
        case $(cat "/proc/$pid/comm" 2>/dev/null) in
        containerd-shim*) pgrep -P "$pid" || true ;;
        esac
    done
}

# Whether any of the PIDs still runs. A zombie counts as gone: our daemons are reparented to PID 1
# when up exits, and it may take its time to reap them.
alive() {
    local pid state
    for pid in "$@"; do
        state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || continue
        [ -n "$state" ] && [ "$state" != Z ] && return 0
    done
    return 1
}

# SIGKILL a list of PIDs and wait (up to 10 s) until they are gone.
kill9() {
    [ $# -gt 0 ] || return 0
    kill -KILL "$@" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while alive "$@" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
}

# kill-node N: the node dies at once, with everything that runs on it.
kill_node() {
    local n=$1
    local pids
    pids=$(node_container_pids "$n"; node_daemon_pids "$n")
    [ -n "$pids" ] || die "node $n has no running processes"
    # shellcheck disable=SC2086
    kill9 $pids
    log "node $n killed (pids $(echo $pids))"
}

# restart-engine N: node N's dockerd stops and starts again (containerd stays, as with a system
# service); the swarm's state is on disk, so a manager comes back with it.
restart_engine() {
    local n=$1 start=$SECONDS
    stop_dockerds "$n"
    start_dockerd "$n"
    wait_for "node $n dockerd" nd "$n" info || node_failed "$n" "dockerd did not answer again within ${TIMEOUT} s"
    wait_for "${#NODES[@]} nodes Ready" all_ready ||
        { nd 1 node ls >&2 || true; die "swarm: not all nodes Ready again within ${TIMEOUT} s"; }
    log "node $n's engine restarted in $((SECONDS - start)) s"
}

# --- teardown -------------------------------------------------------------------------------------

unmount_all() {
    local pass mounts
    for pass in 1 2 3 4 5; do
        # Mount points under our directories, innermost (last mounted) first; /proc/mounts escapes
        # blanks as \040, printf %b undoes it.
        mounts=$(awk -v a="$RUN_DIR" -v b="$DATA_DIR" \
            'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts | tac)
        [ -n "$mounts" ] || return 0
        while IFS= read -r m; do
            umount -l "$(printf '%b' "$m")" 2>/dev/null || true
        done <<<"$mounts"
    done
    log "WARNING: mounts left under $RUN_DIR or $DATA_DIR"
}

remove_shim_sockets() {
    local n id hash
    for n in "${NODES[@]}"; do
        # The containers containerd has tasks for, and those dockerd knows (all in namespace moby).
        for id in $(ls "$(exec_root "$n")/containerd/state/io.containerd.runtime.v2.task/moby" \
            "$(data_root "$n")/containers" 2>/dev/null | grep -E '^[0-9a-f]{64}$' | sort -u); do
            # named by the sha256 of <containerd address>/<namespace>/<container id>
            hash=$(printf '%s' "$(containerd_sock "$n")/moby/$id" | sha256sum)
            rm -f "/run/containerd/s/${hash%% *}"
        done
    done
}

# SIGTERM node N's dockerd (it then stops its containers), wait up to 20 s, then SIGKILL.
stop_dockerds() {
    local n pid pids=() start deadline
    for n in "$@"; do
        for pid in $(node_daemon_pids "$n"); do
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && pids+=("$pid")
        done
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    log "stopping dockerd of node(s) $* (pids ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    start=$SECONDS deadline=$((SECONDS + 20))
    while alive "${pids[@]}" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "${pids[@]}"; then
        log "dockerd still running after 20 s: SIGKILL"
        kill9 "${pids[@]}"
    else
        log "stopped in $((SECONDS - start)) s"
    fi
}

teardown() {
    local n
    # 1. Kill the containers (everything is thrown away anyway; dockerd would give each 10 s to
    #    stop), then stop the dockerds, the workers first: stopped together with the manager, they
    #    wait up to 5 s for it ("timeout while waiting for ingress network removal").
    # shellcheck disable=SC2046
    kill9 $(for n in "${NODES[@]}"; do node_container_pids "$n"; done)
    stop_dockerds "${NODES[@]:1}"
    stop_dockerds "${NODES[0]}"
    # 2. Whatever is left of each node (containers, shims, containerd), and any process still in
    #    its network namespace (e.g. docker-proxy, host-network containers).
    for n in "${NODES[@]}"; do
        # shellcheck disable=SC2046
        kill9 $(node_container_pids "$n") $(node_daemon_pids "$n")
        if [ -e "/var/run/netns/$(netns "$n")" ]; then
            # shellcheck disable=SC2046
            kill9 $(ip netns pids "$(netns "$n")" 2>/dev/null || true)
        fi
    done
    # 3. Mounts (overlay2 layers, network namespaces, shm) and the directories, and the sockets of
    #    shims that were killed (containerd 1.6 keeps them in /run/containerd/s, named by hash).
    unmount_all
    remove_shim_sockets
    rm -rf --one-file-system "$RUN_DIR" "$DATA_DIR" ||
        { sleep 1; rm -rf --one-file-system "$RUN_DIR" "$DATA_DIR"; } || true
    # 4. Network: namespaces (their eth0 ends and so the veth pairs go with them), bridge, rule.
    #    Best effort, each: the kernel removes a deleted namespace's links asynchronously, so a link
    #    seen a moment ago may be gone when we delete it. What is left is checked at the end.
    for n in "${NODES[@]}"; do
        [ -e "/var/run/netns/$(netns "$n")" ] && { ip netns del "$(netns "$n")" || true; }
        ip link del "$(veth "$n")" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    while iptables -C "${FORWARD_RULE[@]}" 2>/dev/null; do iptables -D "${FORWARD_RULE[@]}"; done
    # 5. Check.
    local deadline=$((SECONDS + 10)) left
    while left=$(leftovers) && [ -n "$left" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    [ -z "$left" ] || die "teardown left: $left"
}

# What up makes that still exists, on one line (empty when nothing).
leftovers() {
    local n what=()
    for n in "${NODES[@]}"; do
        [ -e "/var/run/netns/$(netns "$n")" ] && what+=("netns $(netns "$n")")
        ip link show "$(veth "$n")" >/dev/null 2>&1 && what+=("link $(veth "$n")")
        [ -n "$(node_daemon_pids "$n")" ] && what+=("node $n processes")
    done
    ip link show "$BRIDGE" >/dev/null 2>&1 && what+=("bridge $BRIDGE")
    iptables -C "${FORWARD_RULE[@]}" 2>/dev/null && what+=("iptables rule")
    grep -qE " ($RUN_DIR|$DATA_DIR)[/ ]" /proc/mounts && what+=("mounts")
    [ -e "$RUN_DIR" ] && what+=("$RUN_DIR")
    [ -e "$DATA_DIR" ] && what+=("$DATA_DIR")
    echo "${what[*]}"
}

# --- bring-up -------------------------------------------------------------------------------------

setup_network() {
    ip link add "$BRIDGE" type bridge
    ip addr add "$NET_PREFIX.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    # The host engine sets the FORWARD policy to DROP; bridged frames go through FORWARD
    # (br_netfilter), so node-to-node traffic needs this.
    iptables -I "${FORWARD_RULE[@]}"
    local n ns
    for n in "${NODES[@]}"; do
        ns=$(netns "$n")
        ip netns add "$ns"
        ip link add "$(veth "$n")" type veth peer name eth0 netns "$ns"
        ip link set "$(veth "$n")" master "$BRIDGE" up
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "$(node_addr "$n")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
    log "network: bridge $BRIDGE $NET_PREFIX.1/24, namespaces $(netns 1)..$(netns "${NODES[-1]}")"
}

# The command prefix that runs a command in node N's network namespace, with its own hostname.
node_prefix() {
    local n=$1
    NODE_PREFIX=(nsenter --net="/var/run/netns/$(netns "$n")"
        unshare --uts sh -c 'hostname "$0" && exec "$@"' "$(netns "$n")"
        env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1)
}

start_containerd() {
    local n=$1
    mkdir -p "$(exec_root "$n")/containerd" "$(data_root "$n")/containerd"
    # Its own containerd rather than dockerd's managed one: dockerd would share a system containerd
    # (/run/containerd/containerd.sock) if there is one, and then the nodes would share containers.
    cat >"$(exec_root "$n")/containerd.toml" <<EOF
version = 2
root = "$(data_root "$n")/containerd"
state = "$(exec_root "$n")/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$(containerd_sock "$n")"
EOF
    node_prefix "$n"
    launch "$LOG_DIR/node$n-containerd.log" "${NODE_PREFIX[@]}" \
        containerd --config "$(exec_root "$n")/containerd.toml"
}

start_dockerd() {
    local n=$1 entry resources=()
    for entry in ${SWARM_GENERIC_RESOURCES:-}; do
        [ "${entry%%:*}" = "$n" ] && resources+=(--node-generic-resource "${entry#*:}")
    done
    node_prefix "$n"
    launch "$LOG_DIR/node$n.log" "${NODE_PREFIX[@]}" \
        dockerd \
        --config-file "$RUN_DIR/daemon.json" \
        --data-root "$(data_root "$n")" \
        --exec-root "$(exec_root "$n")" \
        --pidfile "$RUN_DIR/node$n.pid" \
        -H "$(sock "$n")" \
        --containerd "$(containerd_sock "$n")" \
        --bridge none --iptables=false --ip6tables=false --ip-masq=false "${resources[@]}"
}

# Fail with the end of the node's logs.
node_failed() {
    local n=$1 what=$2 f
    for f in "$LOG_DIR/node$n-containerd.log" "$LOG_DIR/node$n.log"; do
        [ -f "$f" ] && { echo "--- tail of $f" >&2; tail -n 20 "$f" >&2; }
    done
    die "node $n: $what (state left for inspection; 'scripts/swarm.sh down' removes it)"
}

start_nodes() {
    local n
    mkdir -p "$RUN_DIR" "$DATA_DIR" "$LOG_DIR"
    echo '{}' >"$RUN_DIR/daemon.json"   # not /etc/docker/daemon.json: that is the host engine's
    for n in "${NODES[@]}"; do
        : >"$LOG_DIR/node$n-containerd.log"
        : >"$LOG_DIR/node$n.log"
        start_containerd "$n"
    done
    for n in "${NODES[@]}"; do
        wait_for "node $n containerd" test -S "$(containerd_sock "$n")" ||
            node_failed "$n" "containerd did not create its socket within ${TIMEOUT} s"
        start_dockerd "$n"
    done
    for n in "${NODES[@]}"; do
        wait_for "node $n dockerd" nd "$n" info ||
            node_failed "$n" "dockerd did not answer on $(sock "$n") within ${TIMEOUT} s"
    done
}

all_ready() { [ "$(nd 1 node ls --format '{{.Status}}' | grep -c '^Ready$')" -eq "${#NODES[@]}" ]; }

form_swarm() {
    local n token
    nd 1 swarm init --advertise-addr "$(node_addr 1)" --listen-addr "$(node_addr 1):2377" \
        ${SWARM_HEARTBEAT:+--dispatcher-heartbeat "$SWARM_HEARTBEAT"} >&2
    token=$(nd 1 swarm join-token -q worker)
    for n in "${NODES[@]:1}"; do
        nd "$n" swarm join --token "$token" --advertise-addr "$(node_addr "$n")" \
            --listen-addr "$(node_addr "$n"):2377" "$(node_addr 1):2377" >&2
    done
    wait_for "${#NODES[@]} nodes Ready" all_ready ||
        { nd 1 node ls >&2 || true; die "swarm: not all nodes Ready within ${TIMEOUT} s"; }
    for n in "${NODES[@]}"; do
        nd 1 node update --label-add "jobsched.test-node=node$n" \
            "$(nd "$n" info --format '{{.Swarm.NodeID}}')" >/dev/null
    done
    log "labels: jobsched.test-node=nodeN on each node"
}

load_images() {
    local images=() present=() img n pids=()
    if [ -n "${SWARM_IMAGES+set}" ]; then
        read -r -a images <<<"$SWARM_IMAGES"
    else
        mapfile -t images < <(docker images --format '{{.Repository}}:{{.Tag}}' |
            grep -E '^(jobsched-test|radix-example)' | grep -v ':<none>$' || true)
    fi
    for img in "${images[@]}"; do
        if docker image inspect "$img" >/dev/null 2>&1; then
            present+=("$img")
        else
            log "WARNING: image $img not found on the host engine, skipped"
        fi
    done
    [ ${#present[@]} -gt 0 ] || { log "no images to load"; return 0; }
    IMAGE_TAR=$(mktemp /var/tmp/jobsched-swarm-images.XXXXXX.tar)
    trap 'rm -f "$IMAGE_TAR"' EXIT
    docker save -o "$IMAGE_TAR" "${present[@]}"
    for n in "${NODES[@]}"; do
        nd "$n" load -q -i "$IMAGE_TAR" >/dev/null &
        pids+=($!)
    done
    for n in "${!pids[@]}"; do
        wait "${pids[$n]}" || die "loading images into node ${NODES[$n]} failed"
    done
    rm -f "$IMAGE_TAR"
    log "images loaded into every node: ${present[*]}"
}

cmd_up() {
    local start=$SECONDS
    ensure_tools
    teardown
    setup_network
    start_nodes
    form_swarm
    load_images
    log "swarm up in $((SECONDS - start)) s; manager: $(sock 1)"
    nd 1 node ls >&2
    sock 1
}

usage() {
    sed -n '/^# Usage/,/^# Environment/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

case ${1:-} in
up) cmd_up ;;
down) ensure_tools; teardown; log "down" ;;
kill-node)
    [[ ${2:-} =~ ^[0-9]+$ ]] && [ -d "$(exec_root "$2")" ] || die "usage: $0 kill-node N (N = 1..${#NODES[@]}, node up)"
    kill_node "$2"
    ;;
restart-engine)
    [[ ${2:-} =~ ^[0-9]+$ ]] && [ -d "$(exec_root "$2")" ] || die "usage: $0 restart-engine N (N = 1..${#NODES[@]}, node up)"
    restart_engine "$2"
    ;;
status) nd 1 node ls ;;
*) usage ;;
esac
