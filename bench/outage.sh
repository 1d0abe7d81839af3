#!/usr/bin/env bash
# What a broker outage does to the process that keeps accepting runs: a broker in a process of its
# own (ROLES=infra), and an all-in-one system that uses it (KAFKA_BOOTSTRAP_SERVERS) with its own
# embedded store and a small heap (JAVA_OPTS, default -Xmx256m). After a warm-up, the broker is
# frozen (SIGSTOP) for OUTAGE seconds while three clients launch batches of 100 runs; every 10 s:
# runs accepted and refused, the live heap after a full collection, sends the publishers refused
# (taskmesh_kafka_publish_refused_total), and /health/ready. Then the broker resumes (SIGCONT) and
# the script waits until every accepted run has finished: nothing accepted may be lost.
# Loopback only, bounded by OUTAGE and a 10-minute drain.
#   bench/outage.sh [jar] [outage seconds]
# Needs: curl, jcmd, a built jar (default target/taskmesh.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR="${1:-target/taskmesh.jar}"
OUTAGE="${2:-90}"
PORT="${PORT:-18584}"
PASSWORD=bench-outage-1
WORK=$(mktemp -d)
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"
source bench/system.sh
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker_cleanup() { [ -n "${BROKER_PID:-}" ] && { kill -CONT "$BROKER_PID"; kill "$BROKER_PID"; } 2>/dev/null || true; }
trap 'kill $(jobs -p) 2>/dev/null || true; broker_cleanup; cleanup' EXIT

KAFKA_PORT=$(free_port)
BROKER_HEALTH=$(free_port)
env ROLES=infra DATA_DIR="$WORK/broker" KAFKA_EMBEDDED_PORT="$KAFKA_PORT" METRICS_PORT="$BROKER_HEALTH" LOG_LEVEL=WARN \
  java -Xmx512m -jar "$JAR" > "$WORK/broker.log" 2>&1 &
BROKER_PID=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$BROKER_HEALTH/health/ready" > /dev/null && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$BROKER_HEALTH/health/ready" > /dev/null || { echo "broker not ready; its log:" >&2; cat "$WORK/broker.log" >&2; exit 1; }

SYSTEM_ENV="KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
start_system "$JAR" outage "-Xlog:gc:file=$WORK/gc.log"
echo "warm-up: $(in_three 3000) runs"
settle

publish_refused() {
  curl -s -m 5 "$BASE/metrics" | grep '^taskmesh_kafka_publish_refused_total' | awk '{s+=$2} END {printf "%d", s}'
}

kill -STOP "$BROKER_PID"
echo "broker frozen for $OUTAGE s; launching"
for i in 1 2 3; do offer "$WORK/codes.$i" & done
printf '%-8s %-14s %-14s %-8s %-14s %-16s %s\n' "seconds" "runs accepted" "runs refused" "other" "live heap" "sends refused" "ready"
start=$(date +%s)
while :; do
  sleep 10
  elapsed=$(( $(date +%s) - start ))
  ready=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "$BASE/health/ready" || true)
  printf '%-8s %-14s %-14s %-8s %-14s %-16s %s\n' "$elapsed" "$(( $(answers 202) * 100 ))" "$(( $(answers 503) * 100 ))" \
    "$(cat "$WORK"/codes.* | grep -vc '^202$\|^503$' || true)" "$(live_heap)" "$(publish_refused)" "$ready"
  [ "$elapsed" -ge "$OUTAGE" ] && break
  kill -0 "$APP_PID" 2>/dev/null || { echo "the system exited; its log:" >&2; tail -20 "$WORK/app.log" >&2; exit 1; }
done
touch "$WORK/stop"
wait $(jobs -p | grep -v "^$APP_PID\$\|^$BROKER_PID\$") 2>/dev/null || true
accepted=$(( $(answers 202) * 100 + 3000 ))

kill -CONT "$BROKER_PID" 2>/dev/null || { echo "the broker process is gone; its log:" >&2; tail -30 "$WORK/broker.log" >&2; exit 1; }
resumed=$(date +%s)
echo "broker resumed; waiting for every accepted run to finish"
settle
stored=$(curl -fs "$BASE/api/tasks/$TASK/runs?status=COMPLETED&size=1" -H "Authorization: Bearer $TOKEN" | sed -E 's/.*"total":([0-9]+).*/\1/')
echo "all finished $(( $(date +%s) - resumed )) s after the broker resumed: $stored COMPLETED of $accepted accepted (warm-up included)"
grep -E "Refusing|OutOfMemory|BufferExhausted" "$WORK/app.log" | cut -c1-240 | head -5 || true
