#!/usr/bin/env bash
# Gateway throughput with log shipping off and on (every request writes an access log line, so
# shipping load grows with req/s). Loopback only, bounded: wrk for DURATION seconds per run.
#   bench/logging.sh [duration-seconds] [connections]
# Needs: wrk (apt-get install -y wrk), target/taskmesh.jar, and for "on" an engine at ES_URL
# (default: starts the test OpenSearch node from target/opensearch.classpath on port 9250).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
CONNECTIONS="${2:-32}"
PORT=18480
ES_URL="${ES_URL:-}"
ENGINE_PID=""
WORK=$(mktemp -d)
cleanup() { [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null || true; [ -n "$ENGINE_PID" ] && kill "$ENGINE_PID" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "$ES_URL" ] && [ "${SKIP_ENGINE:-}" != 1 ]; then
  [ -f target/opensearch.classpath ] || mvn -q -f src/test/opensearch/pom.xml dependency:build-classpath -Dmdep.outputFile="$PWD/target/opensearch.classpath"
  java -Xms256m -Xmx512m -cp "$(cat target/opensearch.classpath)" org.codelibs.opensearch.runner.OpenSearchRunner \
    -basePath "$WORK/engine" -numOfNode 1 -baseHttpPort 9249 -disableESLogger > "$WORK/engine.log" 2>&1 &
  ENGINE_PID=$!
  ES_URL=http://127.0.0.1:9250
  until curl -fs "$ES_URL/_cluster/health" >/dev/null; do sleep 1; done
fi

run() {
  local label=$1; shift
  env "$@" HTTP_PORT=$PORT DATA_DIR="$WORK/data-$label" MONGO_EMBEDDED_BACKEND=memory java -jar target/taskmesh.jar > "$WORK/app-$label.log" 2>&1 &
  APP_PID=$!
  until curl -fs "localhost:$PORT/health/ready" >/dev/null 2>&1; do sleep 0.5; done
  wrk -t2 -c"$CONNECTIONS" -d5s "http://127.0.0.1:$PORT/api/task-types" >/dev/null   # warm-up
  echo "== shipping $label"
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/api/task-types" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
  curl -s "localhost:$PORT/metrics" | grep -E "^taskmesh_log_shipping_(shipped|dropped|rejected)_total" || true
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
}

run off
run on ELASTICSEARCH_URL="$ES_URL"
# the hot path's own cost, without an engine competing for the same cores: shipping on, engine refusing connections
run on-unreachable ELASTICSEARCH_URL=http://127.0.0.1:9
