package dev.taskmesh.bridge;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes Kafka topics and forwards each record to an event-bus address as a request. A record is
 * processed only when its handler replied; offsets are committed per partition up to the first
 * record still in flight (never {@code commit()} of the whole poll). A failed or timed-out reply is
 * retried with backoff, so a record is never skipped. Backpressure pauses only the partition that
 * reached its in-flight bound; the consumer keeps polling, so the group never sees it as dead.
 */
public final class KafkaBridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBridgeVerticle.class);
  private static final long COMMIT_INTERVAL_MS = 200;
  private static final long MAX_RETRY_DELAY_MS = 5_000;

  private final BridgeSpec spec;
  private final String bootstrapServers;
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Map<TopicPartition, Boolean> paused = new HashMap<>();
  private KafkaConsumer<String, String> consumer;
  private long commitTimer;
  private boolean stopping;

  public KafkaBridgeVerticle(BridgeSpec spec, String bootstrapServers) {
    this.spec = spec;
    this.bootstrapServers = bootstrapServers;
  }

  @Override
  public Future<?> start() {
    String clientId = spec.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
    consumer = KafkaConsumer.create(vertx, KafkaSettings.consumer(bootstrapServers, spec.groupId(), clientId));
    consumer.exceptionHandler(e -> LOG.warn("Kafka consumer {} error: {}", spec.name(), e.toString()));
    consumer.partitionsRevokedHandler(this::forget);
    // Records may arrive before this runs (it is posted to the context), so never replace existing progress.
    consumer.partitionsAssignedHandler(partitions -> partitions.forEach(tp -> progress.computeIfAbsent(tp, p -> new PartitionProgress())));
    consumer.handler(this::dispatch);
    commitTimer = vertx.setPeriodic(COMMIT_INTERVAL_MS, id -> commit());
    return consumer.subscribe(Set.copyOf(spec.topics()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(commitTimer);
    return commit().recover(e -> Future.succeededFuture()).compose(v -> consumer.close());
  }

  private void dispatch(KafkaConsumerRecord<String, String> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress partitionProgress = progress.computeIfAbsent(partition, tp -> new PartitionProgress());
    partitionProgress.started(record.offset());
    if (partitionProgress.inFlight() >= spec.maxInFlightPerPartition() && !paused.getOrDefault(partition, false)) {
      paused.put(partition, true);
      consumer.pause(partition);
    }
    deliver(record, partition, partitionProgress, 0);
  }

  private void deliver(KafkaConsumerRecord<String, String> record, TopicPartition partition, PartitionProgress owner, int attempt) {
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(spec.replyTimeoutMs())
        .addHeader(BridgeSpec.HEADER_TOPIC, record.topic())
        .addHeader(BridgeSpec.HEADER_PARTITION, Integer.toString(record.partition()))
        .addHeader(BridgeSpec.HEADER_OFFSET, Long.toString(record.offset()));
    if (record.key() != null) {
      options.addHeader(BridgeSpec.HEADER_KEY, record.key());
    }
    for (KafkaHeader header : record.headers()) {
      if (header.key().equals(BridgeSpec.HEADER_TRACEPARENT)) {
        options.addHeader(BridgeSpec.HEADER_TRACEPARENT, header.value().toString(StandardCharsets.UTF_8));
      }
    }
    String body = record.value() == null ? "" : record.value();
    vertx.eventBus().request(spec.address(), body, options).onComplete(reply -> {
      if (progress.get(partition) != owner) {
        return; // partition revoked meanwhile: its new owner redelivers from the committed offset
      }
      if (reply.succeeded()) {
        finished(partition, owner, record.offset());
      } else if (!stopping) {
        long delay = Math.min(MAX_RETRY_DELAY_MS, 100L << Math.min(attempt, 6));
        LOG.warn("Record {}-{}@{} not processed by {} ({}); retrying in {} ms",
            record.topic(), record.partition(), record.offset(), spec.address(), reply.cause().getMessage(), delay);
        vertx.setTimer(delay, id -> {
          if (progress.get(partition) == owner && !stopping) {
            deliver(record, partition, owner, attempt + 1);
          }
        });
      }
    });
  }

  private void finished(TopicPartition partition, PartitionProgress owner, long offset) {
    owner.finished(offset);
    if (paused.getOrDefault(partition, false) && owner.inFlight() <= spec.maxInFlightPerPartition() / 2) {
      paused.put(partition, false);
      consumer.resume(partition);
    }
  }

  private Future<Void> commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    progress.forEach((partition, partitionProgress) -> {
      long next = partitionProgress.committable();
      if (next >= 0) {
        offsets.put(partition, new OffsetAndMetadata(next, ""));
      }
    });
    if (offsets.isEmpty()) {
      return Future.succeededFuture();
    }
    return consumer.commit(offsets)
        .onSuccess(committed -> committed.forEach((partition, offset) -> {
          PartitionProgress partitionProgress = progress.get(partition);
          if (partitionProgress != null) {
            partitionProgress.committed(offset.getOffset());
          }
        }))
        .onFailure(e -> LOG.warn("Commit for {} failed, will retry: {}", spec.name(), e.getMessage()))
        .mapEmpty();
  }

  private void forget(Set<TopicPartition> revoked) {
    revoked.forEach(partition -> {
      progress.remove(partition);
      paused.remove(partition);
    });
  }
}
