#!/usr/bin/env bash
# How the all-in-one process's memory grows with the runs its embedded store keeps: a fresh system,
# then RUNS runs launched in steps of STEP (batches of 100 from three concurrent clients); after
# each step, once every run has ended, the runs still stored, the live heap (what a full
# collection, asked for with jcmd, leaves) and the process's resident memory. The store's
# in-memory indexes hold ~100 bytes per stored run, so this shows how long a heap cap lasts, and
# what the retention policy (RUN_RETENTION_SECONDS, RETENTION_SWEEP_MS) holds it to.
# Loopback only, bounded by RUNS.
#   bench/history.sh [jar] [runs] [step]
# Needs: curl, jcmd (the JDK's), a built jar (default target/taskmesh.jar). JVM flags: JAVA_OPTS
# (e.g. -Xmx256m). Retention: e.g. RUN_RETENTION_SECONDS=60 RETENTION_SWEEP_MS=5000 (default: the
# system's own, 7 days, so nothing is deleted during the run).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="${1:-target/taskmesh.jar}"
RUNS="${2:-1000000}"
STEP="${3:-100000}"
PORT="${PORT:-18581}"
PASSWORD=bench-history-1
WORK=$(mktemp -d)
source bench/system.sh
trap cleanup EXIT
SYSTEM_ENV="RUN_RETENTION_SECONDS=${RUN_RETENTION_SECONDS:-604800} RETENTION_SWEEP_MS=${RETENTION_SWEEP_MS:-60000}"
start_system "$JAR" history "-Xlog:gc:file=$WORK/gc.log"

live_heap() { # MB a full collection leaves, from its log line "Pause Full (System.gc()) 180M->92M(256M) 51.1ms"
  jcmd "$APP_PID" GC.run > /dev/null
  grep 'Pause Full' "$WORK/gc.log" | tail -1 | grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' | sed -E 's/.*->([0-9]+)M\(([0-9]+)M\)/\1 MB of \2 MB/'
}
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$APP_PID/status"; }

stored() { # runs of the task still in the store (the response's "total"), or what the request returned instead
  local body
  body=$(curl -s -w ' HTTP %{http_code}' "$BASE/api/tasks/$TASK/runs?size=1" -H "Authorization: Bearer $TOKEN")
  case "$body" in *'"total":'*) echo "$body" | sed -E 's/.*"total":([0-9]+).*/\1/' ;; *) echo "?: ${body:0:200}" >&2; echo "?" ;; esac
}

printf '%-14s %-12s %-18s %s\n' "launched runs" "stored runs" "live heap" "RSS"
launched=0
while [ "$launched" -lt "$RUNS" ]; do
  launched=$(( launched + $(in_three "$STEP") ))
  settle
  printf '%-14s %-12s %-18s %s MB\n' "$launched" "$(stored)" "$(live_heap)" "$(rss_mb)"
  kill -0 "$APP_PID" 2>/dev/null || { echo "the system exited; its log:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
done
