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
source bench/system.sh
trap cleanup EXIT
cat > "$WORK/threads.jfc" <<'JFC'
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="per-thread allocation">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">1 s</setting></event>
</configuration>
JFC
start_system "$JAR" allocation "-XX:StartFlightRecording=settings=$WORK/threads.jfc,filename=$WORK/threads.jfr"

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
