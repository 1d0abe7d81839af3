#!/bin/sh
# One-shot import of the Kibana data view and the saved search "Run timeline by trace id".
# Run by the kibana-import service of docker-compose.yml (profile observability); safe to run again (overwrite).
set -eu
KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
FILE="${SAVED_OBJECTS:-/kibana/saved-objects.ndjson}"
AUTH=""
if [ -n "${KIBANA_USERNAME:-}" ]; then AUTH="-u ${KIBANA_USERNAME}:${KIBANA_PASSWORD:-}"; fi

echo "Waiting for Kibana at ${KIBANA_URL} ..."
i=0
until curl -fsS $AUTH "${KIBANA_URL}/api/status" 2>/dev/null | grep -q '"level":"available"'; do
  i=$((i + 1))
  if [ "$i" -gt 120 ]; then echo "Kibana not available after 10 minutes" >&2; exit 1; fi
  sleep 5
done

echo "Importing ${FILE}"
curl -fsS $AUTH -X POST "${KIBANA_URL}/api/saved_objects/_import?overwrite=true" \
  -H "kbn-xsrf: true" --form file=@"${FILE}"
echo
echo "Done. Open ${KIBANA_URL}/app/discover#/view/run-timeline-by-trace-id and set the query to trace.id : \"<trace id>\""
