# Sourced by the scripts that test a live `job-scheduler serve` from outside (check-api.sh,
# console-test.sh): a throwaway application's folder, the scheduler started and waited for, and what
# stopping it and removing its jobs takes. The caller sets `bin` (the executable), `python` and a `step`
# function, calls `live_scheduler_init <name>`, writes "$work/radixconfig.yaml", then
# `live_scheduler_serve <port> <serve options>...`, and on exit `live_scheduler_cleanup`.

# A new folder ($work) and a unique application name ($app) under `name`.
live_scheduler_init() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    app="$1-$(basename "$work" | cut -d. -f2 | tr 'A-Z' 'a-z')"
    server_pid=""
}

# Every container and volume of the application.
live_scheduler_remove_jobs() {
    local ids
    ids=$(docker ps -aq --filter "label=radix-app=$app" 2>/dev/null || true)
    [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1 || true
    ids=$(docker volume ls -q --filter "label=radix-app=$app" 2>/dev/null || true)
    [ -n "$ids" ] && docker volume rm -f $ids >/dev/null 2>&1 || true
}

# Serves "$work/radixconfig.yaml" on 127.0.0.1:<port> with the options given, logging to
# "$work/serve.log", and waits until /health answers 200 ($base is its URL).
live_scheduler_serve() {
    local port=$1
    shift
    step "serving $app on 127.0.0.1:$port"
    "$bin" serve --config "$work/radixconfig.yaml" --host 127.0.0.1 "$@" >>"$work/serve.log" 2>&1 &
    server_pid=$!
    base="http://127.0.0.1:$port"
    local _
    for _ in $(seq 300); do
        live_scheduler_healthy && return 0
        kill -0 "$server_pid" 2>/dev/null || { step "the scheduler exited"; return 1; }
        sleep 0.1
    done
    live_scheduler_healthy || { step "the scheduler never became healthy"; return 1; }
}

live_scheduler_healthy() {
    "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/health", timeout=5)' "$base" 2>/dev/null
}

# SIGTERM (SIGKILL after 5 s), the jobs removed, the log shown if the run failed (`status`), the folder gone.
live_scheduler_cleanup() {
    local status=$1 _
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    live_scheduler_remove_jobs
    if [ "$status" -ne 0 ] && [ -f "$work/serve.log" ]; then
        step "the scheduler's log (last 40 lines):"
        tail -40 "$work/serve.log" >&2
    fi
    rm -rf "$work"
}

# A free port on loopback.
live_scheduler_free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A new random bearer token: in $token, and in "$work/token" for `serve --token-file`.
live_scheduler_token() {
    token=$("$python" -c 'import secrets; print(secrets.token_urlsafe(24))')
    echo "$token" >"$work/token"
}
