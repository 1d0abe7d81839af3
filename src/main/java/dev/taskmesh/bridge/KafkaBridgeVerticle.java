package dev.taskmesh.bridge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.apache.kafka.common.header.Header;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes Kafka topics and forwards each record to an event-bus address as a request. A record is
 * processed only when its handler replied; offsets are committed per partition up to the first
 * record not yet processed (never {@code commit()} of the whole poll: vertx-kafka-client#219).
 *
 * <ul>
 *   <li>Backpressure: at most {@code maxInFlightPerPartition} requests per partition; records beyond
 *       it wait in a per-partition queue, and once {@value #MAX_WAITING_PER_PARTITION} wait the
 *       partition is paused with {@code pause(TopicPartition)} until half of them have gone. The
 *       stream-wide {@code pause()} is never used: it stops polling and the group evicts the consumer
 *       (#179).</li>
 *   <li>A failed or timed-out reply is redelivered with backoff; nothing is skipped.</li>
 *   <li>Handler code never throws into the consumer's loop: an exception there stops delivery (#178).</li>
 *   <li>Rebalances: the revoke handler runs after the partitions are gone, so nothing is committed
 *       there; a revoked partition's state is dropped, records of it still buffered in the current
 *       poll are not dispatched, late replies are ignored, and its new owner redelivers from the
 *       committed offset (the handlers are idempotent).</li>
 * </ul>
 */
public final class KafkaBridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeVerticle.class);
  private static final long COMMIT_INTERVAL_MS = 100;
  private static final long MAX_RETRY_DELAY_MS = 5_000;
  // Short polls keep pause/resume/commit (queued behind the poll on the consumer thread) responsive.
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
  // Pausing as soon as the in-flight limit was reached paused and resumed a partition on every burst
  // a little larger than the limit (a batch launch of 100 runs is ~17 per partition), and a resumed
  // partition's records come only with the consumer's next fetch: up to fetch.max.wait.ms later.
  // Waiting records are small; a partition holds at most this many plus the rest of one poll.
  static final int MAX_WAITING_PER_PARTITION = 500;

  private final BridgeSpec spec;
  private final String bootstrapServers;
  private final Map<TopicPartition, Partition> owned = new HashMap<>();
  private KafkaConsumer<String, String> consumer;
  private long commitTimer;
  private boolean stopping;
  private Future<Void> pendingCommit = Future.succeededFuture();

  /** What the bridge knows of one partition it owns. A new object on every assignment. */
  private static final class Partition {
    final TopicPartition id;
    final PartitionProgress progress = new PartitionProgress();
    final ArrayDeque<KafkaConsumerRecord<String, String>> waiting = new ArrayDeque<>();
    int active;
    boolean paused;

    Partition(TopicPartition id) {
      this.id = id;
    }
  }

  public KafkaBridgeVerticle(BridgeSpec spec, String bootstrapServers) {
    this.spec = spec;
    this.bootstrapServers = bootstrapServers;
  }

  @Override
  public Future<?> start() {
    String clientId = spec.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(bootstrapServers, spec.groupId(), clientId));
    consumer.pollTimeout(POLL_TIMEOUT);
    consumer.exceptionHandler(e -> LOG.warn("Kafka consumer {} error: {}", spec.name(), e.toString()));
    // Both handlers are posted to this context in the order the consumer saw them, before the
    // records of the poll that caused them: a record of a new partition always finds its state.
    consumer.partitionsRevokedHandler(this::revoked);
    consumer.partitionsAssignedHandler(this::assigned);
    consumer.handler(record -> {
      try {
        dispatch(record);
      } catch (RuntimeException e) {
        LOG.error("Bridge {} could not dispatch {}-{}@{}; it stays uncommitted", spec.name(), record.topic(), record.partition(), record.offset(), e);
      }
    });
    commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(Set.copyOf(spec.topics()));
  }

  /**
   * Stops intake (no more dispatch, every partition paused), waits up to the grace period for
   * replies in flight, commits what is done and leaves the group. Records still unanswered are not
   * committed: the partition's next owner redelivers them.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(commitTimer);
    owned.values().forEach(p -> p.waiting.clear());
    Set<TopicPartition> all = new HashSet<>(owned.keySet());
    Future<Void> paused = all.isEmpty() ? Future.succeededFuture() : consumer.pause(all).recover(e -> Future.succeededFuture());
    return paused
        .compose(v -> drained(System.currentTimeMillis() + spec.shutdownGraceMs()))
        .compose(v -> pendingCommit.transform(done -> commit()))
        .recover(e -> Future.succeededFuture())
        .compose(v -> consumer.close());
  }

  private Future<Void> drained(long deadline) {
    int active = owned.values().stream().mapToInt(p -> p.active).sum();
    if (active == 0) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() >= deadline) {
      LOG.info("Bridge {} stopping with {} record(s) in flight; they stay uncommitted and are redelivered", spec.name(), active);
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    vertx.setTimer(20, id -> drained(deadline).onComplete(later));
    return later.future();
  }

  private void assigned(Set<TopicPartition> partitions) {
    partitions.forEach(tp -> owned.computeIfAbsent(tp, Partition::new));
    LOG.info("Bridge {} assigned {}", spec.name(), partitions);
  }

  private void revoked(Set<TopicPartition> partitions) {
    partitions.forEach(owned::remove);
    LOG.info("Bridge {} revoked {}", spec.name(), partitions);
  }

  private void dispatch(KafkaConsumerRecord<String, String> record) {
    if (stopping) {
      return; // not processed, never committed: handed back to the group
    }
    Partition partition = owned.get(new TopicPartition(record.topic(), record.partition()));
    if (partition == null) {
      return; // buffered from before a revoke: the partition's new owner reads it from the committed offset
    }
    partition.progress.started(record.offset());
    if (partition.active < spec.maxInFlightPerPartition()) {
      partition.active++;
      deliver(record, partition, 0);
    } else {
      partition.waiting.add(record);
    }
    if (!partition.paused && partition.waiting.size() >= MAX_WAITING_PER_PARTITION) {
      partition.paused = true;
      consumer.pause(partition.id);
    }
  }

  private void deliver(KafkaConsumerRecord<String, String> record, Partition partition, int attempt) {
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(spec.replyTimeoutMs())
        .addHeader(BridgeSpec.HEADER_TOPIC, record.topic())
        .addHeader(BridgeSpec.HEADER_PARTITION, Integer.toString(record.partition()))
        .addHeader(BridgeSpec.HEADER_OFFSET, Long.toString(record.offset()));
    if (record.key() != null) {
      options.addHeader(BridgeSpec.HEADER_KEY, record.key());
    }
    // The Kafka record's own headers: the client's headers() copies every header into new buffers.
    Header traceparent = record.record().headers().lastHeader(BridgeSpec.HEADER_TRACEPARENT);
    if (traceparent != null && traceparent.value() != null) {
      options.addHeader(BridgeSpec.HEADER_TRACEPARENT, new String(traceparent.value(), StandardCharsets.UTF_8));
    }
    String body = record.value() == null ? "" : record.value();
    vertx.eventBus().request(spec.address(), body, options).onComplete(reply -> {
      if (owned.get(partition.id) != partition) {
        partition.active--;
        return; // revoked meanwhile: the new owner redelivers from the committed offset
      }
      if (reply.succeeded()) {
        finished(record, partition);
      } else if (stopping) {
        partition.active--; // left uncommitted for the next owner
      } else {
        long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(attempt, 6));
        LOG.warn("Record {}-{}@{} not processed by {} ({}); retrying in {} ms",
            record.topic(), record.partition(), record.offset(), spec.address(), reply.cause().getMessage(), delay);
        vertx.setTimer(delay, id -> {
          if (owned.get(partition.id) == partition && !stopping) {
            deliver(record, partition, attempt + 1);
          } else {
            partition.active--;
          }
        });
      }
    });
  }

  private void finished(KafkaConsumerRecord<String, String> record, Partition partition) {
    partition.progress.finished(record.offset());
    partition.active--;
    while (partition.active < spec.maxInFlightPerPartition() && !partition.waiting.isEmpty()) {
      partition.active++;
      deliver(partition.waiting.poll(), partition, 0);
    }
    if (partition.paused && partition.waiting.size() <= MAX_WAITING_PER_PARTITION / 2) {
      partition.paused = false;
      consumer.resume(partition.id);
    }
  }

  private Future<Void> commit() {
    if (!pendingCommit.isComplete()) {
      return pendingCommit; // one commit at a time, so commits reach the broker in order
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Partition> committing = new HashMap<>();
    owned.forEach((id, partition) -> {
      long next = partition.progress.committable();
      if (next >= 0) {
        offsets.put(id, new OffsetAndMetadata(next, ""));
        committing.put(id, partition);
      }
    });
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    pendingCommit = consumer.commit(offsets)
        .onSuccess(committed -> committed.forEach((id, offset) -> {
          Partition partition = committing.get(id);
          if (partition != null && owned.get(id) == partition) {
            partition.progress.committed(offset.getOffset());
          }
        }))
        .onFailure(e -> LOG.warn("Commit for {} failed, will retry: {}", spec.name(), e.getMessage()))
        .mapEmpty();
    return pendingCommit;
  }
}
