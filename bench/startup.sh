#!/usr/bin/env bash
# Measures the foundation's targets on this machine: time to ready (wall clock from exec until
# /health/ready answers 200), idle RSS after 15 s, and SIGTERM-to-exit time with the exit code.
# Usage: bench/startup.sh [repetitions]   (needs target/taskmesh.jar: ./mvnw -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
jar=target/taskmesh.jar
[ -f "$jar" ] || { echo "build first: ./mvnw -q package -DskipTests" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')

printf '%-6s %-10s %12s %14s %14s %6s\n' run data_dir ready_ms idle_rss_mb sigterm_ms exit
for i in $(seq 1 "$reps"); do
  for state in fresh existing; do
    [ "$state" = fresh ] && rm -rf "$work/data"
    start=$(date +%s%N)
    DATA_DIR="$work/data" HTTP_PORT=$port ADMIN_PASSWORD=bench-password java -jar "$jar" >"$work/out.log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready"; do
      kill -0 $pid 2>/dev/null || { echo "process died:"; tail -20 "$work/out.log"; exit 1; }
      sleep 0.05
    done
    ready=$(( ($(date +%s%N) - start) / 1000000 ))
    sleep 15
    rss=$(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 ))
    stop=$(date +%s%N)
    kill -TERM $pid
    set +e; wait $pid; code=$?; set -e
    stopped=$(( ($(date +%s%N) - stop) / 1000000 ))
    printf '%-6s %-10s %12s %14s %14s %6s\n' "$i" "$state" "$ready" "$rss" "$stopped" "$code"
  done
done
