# Shared by the bench scripts (source it, do not run it): a fresh
# all-in-one system on loopback, an admin token, a task, batch launches and the wait for them.
# Set WORK (a scratch folder), PORT and PASSWORD before sourcing; `trap cleanup EXIT` stops the
# system and removes WORK.

cleanup() { [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null || true; rm -rf "$WORK"; }

# start_system JAR TASK_TITLE [java options...]: starts JAR with JAVA_OPTS and the options given
# (and SYSTEM_ENV, extra VAR=value settings for the system, if set; the access log is off unless
# LOG_ACCESS_LEVEL=INFO), waits until it is ready, logs
# in as the admin and creates a task of type sleep. Sets APP_PID, BASE, TOKEN and TASK.
start_system() {
  local jar="$1" title="$2"
  shift 2
  # shellcheck disable=SC2086 # JAVA_OPTS and SYSTEM_ENV are lists of words
  env DATA_DIR="$WORK/data" HTTP_PORT="$PORT" RATE_LIMIT_PER_MINUTE=0 LOG_LEVEL=WARN LOG_ACCESS_LEVEL="${LOG_ACCESS_LEVEL:-WARN}" \
    ADMIN_PASSWORD="$PASSWORD" ${SYSTEM_ENV:-} \
    java ${JAVA_OPTS:-} "$@" -jar "$jar" > "$WORK/app.log" 2>&1 &
  APP_PID=$!
  BASE="http://127.0.0.1:$PORT"
  for _ in $(seq 1 180); do curl -fs "$BASE/health/ready" > /dev/null && break; sleep 0.5; done
  curl -fs "$BASE/health/ready" > /dev/null || { echo "system not ready; its log: $WORK/app.log" >&2; cat "$WORK/app.log" >&2; exit 1; }
  TOKEN=$(curl -fs -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin@taskmesh.local\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  TASK=$(curl -fs -X POST "$BASE/api/tasks" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"title\":\"$title\",\"type\":\"sleep\",\"input\":{}}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
}

launch() { # $1 requests of 100 runs each
  for _ in $(seq 1 "$1"); do
    curl -fs -o /dev/null -X POST "$BASE/api/tasks/$TASK/runs/batch" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d '{"count":100}'
  done
}

in_three() { # about $1 runs, from three clients at once; prints how many were launched
  local each=$(( ($1 / 100 + 2) / 3 ))
  launch "$each" & launch "$each" & launch "$each" & wait
  echo $(( each * 3 * 100 ))
}

unfinished() { # runs of the task not finished yet
  local n=0 page
  for status in QUEUED PENDING RUNNING FAILED; do
    page=$(curl -fs "$BASE/api/tasks/$TASK/runs?status=$status&size=1" -H "Authorization: Bearer $TOKEN")
    n=$(( n + $(echo "$page" | sed -E 's/.*"total":([0-9]+).*/\1/') ))
  done
  echo "$n"
}

settle() { # waits until every run of the task has finished, for 10 minutes at most
  for _ in $(seq 1 600); do [ "$(unfinished)" = 0 ] && return; sleep 1; done
  echo "runs still unfinished after 10 minutes" >&2
  exit 1
}

offer() { # launches batches of 100 until $WORK/stop exists; one HTTP status code per request, to $1
  while [ ! -e "$WORK/stop" ]; do
    curl -s -o /dev/null -w '%{http_code}\n' -m 30 -X POST "$BASE/api/tasks/$TASK/runs/batch" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d '{"count":100}' >> "$1" || echo 000 >> "$1"
    if [ "$(tail -1 "$1")" != 202 ]; then sleep 0.2; fi
  done
}

answers() { # how many of offer's requests got HTTP status $1 (from the files $WORK/codes.*)
  cat "$WORK"/codes.* 2>/dev/null | grep -c "^$1\$" || true
}

live_heap() { # the heap after a full collection, for a system started with -Xlog:gc:file=$WORK/gc.log
  jcmd "$APP_PID" GC.run > /dev/null 2>&1 || { echo "?"; return; }
  grep 'Pause Full' "$WORK/gc.log" | tail -1 | grep -oE '[0-9]+M->[0-9]+M\([0-9]+M\)' | sed -E 's/.*->([0-9]+)M\(([0-9]+)M\)/\1 of \2 MB/'
}
