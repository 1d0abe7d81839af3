#!/usr/bin/env bash
# Gateway throughput on loopback: a bare Vert.x hello server, then authenticated GET /api/runs/{id}
# and POST /api/tasks/{id}/runs on the all-in-one jar (embedded broker, in-memory store), each for
# DURATION seconds with wrk. Needs: wrk (apt-get install -y wrk), a built jar and test classes
# (./mvnw -q package -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18480}
HELLO_PORT=${HELLO_PORT:-18481}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

java -cp target/taskmesh.jar dev.taskmesh.bench.HelloServer "$HELLO_PORT" 2 > "$WORK/hello.log" 2>&1 &
PIDS+=($!)
DATA_DIR="$WORK/data" HTTP_PORT=$APP_PORT HTTP_HOST=127.0.0.1 ADMIN_PASSWORD=bench-admin-1 MONGO_EMBEDDED_BACKEND=memory \
  RATE_LIMIT_PER_MINUTE=0 java -jar target/taskmesh.jar > "$WORK/app.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 90); do grep -q "is ready" "$WORK/app.log" && grep -q "ready on" "$WORK/hello.log" && break; sleep 1; done

BASE=http://127.0.0.1:$APP_PORT
TOKEN=$(curl -sf -X POST $BASE/api/auth/login -H 'Content-Type: application/json' \
  -d '{"email":"admin@taskmesh.local","password":"bench-admin-1"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
TASK=$(curl -sf -X POST $BASE/api/tasks -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"title":"bench","type":"sleep","input":{}}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
RUN=$(curl -sf -X POST $BASE/api/tasks/$TASK/runs -H "Authorization: Bearer $TOKEN" | sed -E 's/^\{"id":"([^"]+)".*/\1/')
sleep 2

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

run() { echo "== $1"; shift; wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" | grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors"; }
run "hello (bare Vert.x)" http://127.0.0.1:$HELLO_PORT/
run "GET /api/runs/{id} (authenticated)" -H "Authorization: Bearer $TOKEN" $BASE/api/runs/$RUN
run "hello again" http://127.0.0.1:$HELLO_PORT/
run "POST /api/tasks/{id}/runs (authenticated)" -s "$WORK/post.lua" $BASE/api/tasks/$TASK/runs
