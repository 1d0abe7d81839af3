#!/usr/bin/env bash
# How the run lists answer as stored runs grow: a fresh system, then RUNS runs launched in steps of
# STEP (batches of 100 from three concurrent clients); after each step, once every run has ended,
# REQUESTS sequential requests of each list shape on one connection, and their latency (curl's
# time_total: median and slowest, ms). Every list also counts its matches for the page's "total",
# so a count that reads every stored run shows here as latency growing with the store. "a user's"
# is what every list of a non-admin user is (filtered by who launched the runs); "the last 10 s"
# is a time range (from=), which the store reads as a range of run ids.
# Loopback only, bounded by RUNS.
#   bench/lists.sh [jar] [runs] [step] [requests]
# Needs: curl, a built jar (default target/taskmesh.jar). JVM flags: JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="${1:-target/taskmesh.jar}"
RUNS="${2:-100000}"
STEP="${3:-20000}"
REQUESTS="${4:-100}"
PORT="${PORT:-18582}"
PASSWORD=bench-lists-1
WORK=$(mktemp -d)
source bench/system.sh
trap cleanup EXIT
start_system "$JAR" lists

latency() { # median and slowest ms of REQUESTS requests of $1, one connection
  local urls=()
  for _ in $(seq 1 "$REQUESTS"); do urls+=(-o /dev/null "$BASE$1"); done # an -o per URL, or the bodies go to stdout
  curl -fs -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "${urls[@]}" \
    | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%7.1f %7.1f", t[int((NR + 1) / 2)], t[NR] }'
}

ME=$(curl -fs "$BASE/api/users/me" -H "Authorization: Bearer $TOKEN" | sed -E 's/.*"id":"([^"]+)".*/\1/')
SHAPES=("/api/runs?status=COMPLETED&size=20" "/api/tasks/$TASK/runs?size=20" "/api/tasks/$TASK/runs?status=COMPLETED&size=20"
  "/api/runs?status=QUEUED&size=20" "/api/runs?size=20" "/api/runs?launchedBy=$ME&status=COMPLETED&size=20" "LAST_10_S")
NAMES=("status=COMPLETED" "a task's runs" "a task's COMPLETED" "status=QUEUED" "all runs" "a user's COMPLETED" "the last 10 s")
printf '%-14s' "stored runs"; for name in "${NAMES[@]}"; do printf ' | %-19s' "$name"; done; printf '\n'
printf '%-14s' ""; for _ in "${NAMES[@]}"; do printf ' | %-19s' " p50 ms  max ms"; done; printf '\n'
launched=0
while [ "$launched" -lt "$RUNS" ]; do
  launched=$(( launched + $(in_three "$STEP") ))
  settle
  latency "${SHAPES[0]}" > /dev/null # warm-up
  printf '%-14s' "$launched"
  for shape in "${SHAPES[@]}"; do
    # runs created in the 10 s before the measurement (the end of the step just launched): a range of ids
    [ "$shape" = LAST_10_S ] && shape="/api/runs?from=$(date -u -d '-10 sec' +%Y-%m-%dT%H:%M:%SZ)&size=20"
    printf ' | %s    ' "$(latency "$shape")"
  done
  printf '\n'
  kill -0 "$APP_PID" 2>/dev/null || { echo "the system exited; its log:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
done
