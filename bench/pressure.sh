#!/usr/bin/env bash
# What a full heap does to the all-in-one process: a fresh system with a small heap (JAVA_OPTS,
# default -Xmx160m) and no retention, then batches of 100 runs from three concurrent clients until
# RUNS runs were offered or MINUTES passed. Every 20 s: runs accepted and refused (503, the memory
# guard: api.launchHeapCeilingPercent), other answers, the live heap after a full collection, and
# /health/ready. A system without the guard runs into H2 closing its store (every request fails);
# with it, launches are refused and reads, health and the runs already accepted go on.
# Loopback only, bounded by RUNS and MINUTES.
#   bench/pressure.sh [jar] [runs] [minutes]
# Needs: curl, jcmd, a built jar (default target/taskmesh.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="${1:-target/taskmesh.jar}"
RUNS="${2:-2000000}"
MINUTES="${3:-8}"
PORT="${PORT:-18583}"
PASSWORD=bench-pressure-1
WORK=$(mktemp -d)
JAVA_OPTS="${JAVA_OPTS:--Xmx160m}"
source bench/system.sh
trap 'kill $(jobs -p) 2>/dev/null || true; cleanup' EXIT
SYSTEM_ENV="RUN_RETENTION_SECONDS=0"
start_system "$JAR" pressure "-Xlog:gc:file=$WORK/gc.log"


for i in 1 2 3; do offer "$WORK/codes.$i" & done
printf '%-8s %-14s %-14s %-8s %-14s %s\n' "seconds" "runs accepted" "runs refused" "other" "live heap" "ready"
start=$(date +%s)
while :; do
  sleep 20
  elapsed=$(( $(date +%s) - start ))
  accepted=$(( $(answers 202) * 100 ))
  refused=$(( $(answers 503) * 100 ))
  other=$(cat "$WORK"/codes.* | grep -vc '^202$\|^503$' || true)
  ready=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$BASE/health/ready" || true)
  printf '%-8s %-14s %-14s %-8s %-14s %s\n' "$elapsed" "$accepted" "$refused" "$other" "$(live_heap)" "$ready"
  if [ $(( accepted + refused )) -ge "$RUNS" ] || [ "$elapsed" -ge $(( MINUTES * 60 )) ]; then break; fi
  kill -0 "$APP_PID" 2>/dev/null || { echo "the system exited; its log:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
done
touch "$WORK/stop"
wait $(jobs -p | grep -v "^$APP_PID\$") 2>/dev/null || true
echo "reads: GET /api/runs?size=1 -> $(curl -s -o /dev/null -w '%{http_code}' -m 10 "$BASE/api/runs?size=1" -H "Authorization: Bearer $TOKEN")"
grep -E "Refusing launches|closed itself|MVStoreException|OutOfMemory" "$WORK/app.log" | cut -c1-240 | head -8 || true
