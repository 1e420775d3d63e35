#!/usr/bin/env bash
# Start N `streamlit run` replicas on loopback and Debian's nginx in front of them (deploy/nginx.conf).
# Usage: deploy/run_replicas.sh [N=2] [NGINX_PORT=8080] [BASE_PORT=8501] [SCRIPT=streamlit_app.py]
# Stays in the foreground; Ctrl-C or SIGTERM stops the replicas and nginx. Replica i listens on
# BASE_PORT+i; logs go to a temporary folder printed at start.
set -euo pipefail

N=${1:-2}
PORT=${2:-8080}
BASE=${3:-8501}
SCRIPT=${4:-streamlit_app.py}
PYTHON=${PYTHON:-python3}
NGINX=${NGINX:-/usr/sbin/nginx}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# EXPLORER_REPLICA_LOGS=DIR keeps the replicas' and nginx's logs (and config) in DIR after the run
RUN=${EXPLORER_REPLICA_LOGS:-$(mktemp -d "${TMPDIR:-/tmp}/explorer-replicas.XXXXXX")}
mkdir -p "$RUN"
pids=()

cleanup() {
    trap - EXIT INT TERM
    if ((${#pids[@]})); then kill "${pids[@]}" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    if [[ -z ${EXPLORER_REPLICA_LOGS:-} ]]; then rm -rf "$RUN"; fi
}
trap cleanup EXIT INT TERM

cd "$ROOT"
# a port already taken would let another server answer our health checks: refuse to start
"$PYTHON" - "$PORT" $(seq "$BASE" $((BASE + N - 1))) <<'PY'
import socket, sys
for port in map(int, sys.argv[1:]):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            sys.exit(f"port {port} is already in use")
PY
for ((i = 0; i < N; i++)); do
    OMP_NUM_THREADS=1 "$PYTHON" -m streamlit run "$SCRIPT" --server.port $((BASE + i)) \
        --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false \
        --server.fileWatcherType none >"$RUN/replica-$((BASE + i)).log" 2>&1 &
    pids+=($!)
done

# the shipped site config, with this run's replicas and port
awk -v n="$N" -v base="$BASE" -v port="$PORT" '
    /# replicas-begin/ { print; for (i = 0; i < n; i++) printf "    server 127.0.0.1:%d;\n", base + i; skip = 1; next }
    /# replicas-end/   { skip = 0 }
    skip               { next }
    /^ *listen 80;/    { sub(/listen 80;/, "listen 127.0.0.1:" port ";") }
    { print }' deploy/nginx.conf >"$RUN/explorer.conf"

cat >"$RUN/nginx.conf" <<CONF
user $(id -un) $(id -gn);
worker_processes 1;
daemon off;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log $RUN/access.log;
    client_body_temp_path $RUN/body;
    proxy_temp_path $RUN/proxy;
    fastcgi_temp_path $RUN/fastcgi;
    uwsgi_temp_path $RUN/uwsgi;
    scgi_temp_path $RUN/scgi;
    include $RUN/explorer.conf;
}
CONF

# nginx only once every replica answers, so the first visitors never meet a 502
for ((i = 0; i < N; i++)); do
    "$PYTHON" - "$((BASE + i))" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/_stcore/health"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for _ in range(600):
    try:
        opener.open(url, timeout=2).close()
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit(f"replica {url} did not become healthy")
PY
done

"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" 2>>"$RUN/error.log" &
pids+=($!)
echo "Explorer on http://127.0.0.1:$PORT ($N replicas from port $BASE; logs in $RUN)"
wait -n  # any replica or nginx exiting ends the run (the trap stops the rest)
