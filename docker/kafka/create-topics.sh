#!/usr/bin/env bash
# One-shot (compose service kafka-init): creates the application's topics with the partitions and
# replication the stack is configured for, before any application container starts. The application
# would create them too, but with the broker count it happens to see at that moment; this waits
# until the cluster has enough brokers for KAFKA_REPLICATION_FACTOR.
set -euo pipefail

bootstrap="${KAFKA_BOOTSTRAP_SERVERS:?}"
partitions="${KAFKA_PARTITIONS:?}"
replication="${KAFKA_REPLICATION_FACTOR:?}"
min_isr="${KAFKA_MIN_INSYNC_REPLICAS:?}"
topics="${KAFKA_TOPICS:-pending-tasks task-events task-completed dead-letters}"
attempts="${KAFKA_INIT_ATTEMPTS:-60}"
bin=/opt/kafka/bin

for topic in $topics; do
  for i in $(seq 1 "$attempts"); do
    if "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
        --partitions "$partitions" --replication-factor "$replication" \
        --config min.insync.replicas="$min_isr" 2>/tmp/create.err; then
      break
    fi
    if [ "$i" = "$attempts" ]; then
      echo "Could not create topic $topic on $bootstrap after $attempts attempts:" >&2
      cat /tmp/create.err >&2
      exit 1
    fi
    # Typically "Replication factor: 3 larger than available brokers: 2" while brokers start.
    echo "Waiting for $replication brokers ($(head -c 200 /tmp/create.err | tr '\n' ' '))"
    sleep 2
  done
  current=$("$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --describe --topic "$topic" \
    | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' | head -1)
  if [ -n "$current" ] && [ "$current" -lt "$partitions" ]; then
    echo "Growing $topic from $current to $partitions partitions"
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --alter --topic "$topic" --partitions "$partitions"
  fi
done
"$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --describe | grep -E '^Topic:' || true
echo "Topics ready: $topics (partitions $partitions, replication $replication, min.insync.replicas $min_isr)"
