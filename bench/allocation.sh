#!/usr/bin/env bash
# Heap allocated per run through the whole pipeline, and the process's CPU per run: a fresh
# all-in-one system, a warm-up, then RUNS runs launched in batches of 100 by three concurrent
# clients, read from the JVM's own counter (jvm_gc_memory_allocated_bytes_total on /metrics).
# Then the same bytes split by thread group (the store server, the event loops, the broker...),
# from the JVM's exact per-thread counters recorded by JFR (dev.taskmesh.bench.ThreadAllocation).
# Loopback only, bounded by RUNS. Compare builds by running it once per jar, alternating.
#   bench/allocation.sh [jar] [runs] [warm-up runs]
# Needs: curl, a built jar (default target/taskmesh.jar; the split is read with
# target/taskmesh.jar, so build it first). JVM flags: JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="${1:-target/taskmesh.jar}"
RUNS="${2:-100000}"
WARMUP="${3:-60000}"
PORT="${PORT:-18580}"
PASSWORD=bench-allocation-1
WORK=$(mktemp -d)
cleanup() { [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cat > "$WORK/threads.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="per-thread allocation">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
JFC
RECORDING="-XX:StartFlightRecording=settings=$WORK/threads.jfc,filename=$WORK/threads.jfr"

env DATA_DIR="$WORK/data" HTTP_PORT="$PORT" RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=WARN ADMIN_PASSWORD="$PASSWORD" \
  java ${JAVA_OPTS:-} "$RECORDING" -jar "$JAR" > "$WORK/app.log" 2>&1 &
APP_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 180); do curl -fs "$BASE/health/ready" > /dev/null && break; sleep 0.5; done
curl -fs "$BASE/health/ready" > /dev/null || { echo "system not ready; its log: $WORK/app.log" >&2; cat "$WORK/app.log" >&2; exit 1; }
TOKEN=$(curl -fs -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"admin@taskmesh.local\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
TASK=$(curl -fs -X POST "$BASE/api/tasks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"allocation","type":"sleep","input":{}}' | sed -E 's/.*"id":"([^"]+)".*/\1/')

launch() { # $1 requests of 100 runs each
  for _ in $(seq 1 "$1"); do
    curl -fs -o /dev/null -X POST "$BASE/api/tasks/$TASK/runs/batch" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d '{"count":100}'
  done
}
in_three() { # about $1 runs, from three clients at once
  local each=$(( ($1 / 100 + 2) / 3 ))
  launch "$each" & launch "$each" & launch "$each" & wait
  echo $(( each * 3 * 100 ))
}
unfinished() {
  local n=0
  for status in QUEUED PENDING RUNNING FAILED; do
    local page
    page=$(curl -fs "$BASE/api/tasks/$TASK/runs?status=$status&size=1" -H "Authorization: Bearer $TOKEN")
    n=$(( n + $(echo "$page" | sed -E 's/.*"total":([0-9]+).*/\1/') ))
  done
  echo "$n"
}
settle() { for _ in $(seq 1 600); do [ "$(unfinished)" = 0 ] && return; sleep 1; done; echo "runs still unfinished after 10 minutes" >&2; exit 1; }
allocated() { curl -fs "$BASE/metrics" | awk '/^jvm_gc_memory_allocated_bytes_total/ {print $2}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }

echo "warm-up: $(in_three "$WARMUP") runs" >&2
settle
bytes_before=$(allocated); ticks_before=$(cpu_ticks); from_ms=$(date +%s%3N)
launched=$(in_three "$RUNS")
settle
bytes_after=$(allocated); ticks_after=$(cpu_ticks); to_ms=$(date +%s%3N)
awk -v b0="$bytes_before" -v b1="$bytes_after" -v t0="$ticks_before" -v t1="$ticks_after" -v n="$launched" \
    -v hz="$(getconf CLK_TCK)" -v jar="$JAR" 'BEGIN {
  printf "%s: %d runs, %.1f KB allocated per run, %.3f ms of process CPU per run (incl. polling)\n",
    jar, n, (b1 - b0) / n / 1024, (t1 - t0) * 1000 / hz / n
}'
# JFR writes the recording when the JVM exits
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
java -cp target/taskmesh.jar dev.taskmesh.bench.ThreadAllocation "$WORK/threads.jfr" "$from_ms" "$to_ms" "$launched"
