package dev.taskmesh.bridge;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.Metrics;
import dev.taskmesh.observability.WarningThrottle;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes JSON messages keyed by run id, completing only when the broker acknowledged them
 * (acks=all, idempotent producer). One shared producer per process and name: batching works best
 * when every verticle instance feeds the same one. What an instance may leave waiting on the broker
 * is bounded ({@link PublishBacklog}): past it a send fails at once with {@link BacklogFullException}.
 */
public final class KafkaPublisher implements RecordSender {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaPublisher.class);

  private final String name;
  private final KafkaProducer<String, String> producer;
  private final PublishBacklog backlog;
  private final Counter refused;
  private final WarningThrottle warnings = WarningThrottle.perMinute();

  public KafkaPublisher(Vertx vertx, String name, AppConfig.Kafka kafka) {
    this(vertx, name, KafkaSettings.producer(kafka.bootstrapServers().orElseThrow(), name),
        new PublishBacklog(kafka.publishBacklogRecords(), PublishBacklog.MAX_CHARS));
  }

  KafkaPublisher(Vertx vertx, String name, Map<String, String> settings, PublishBacklog backlog) {
    this.name = name;
    this.producer = KafkaProducer.createShared(vertx, name, settings);
    this.backlog = backlog;
    this.refused = Metrics.publishRefused(name);
  }

  @Override
  public Future<Void> send(String topic, String key, JsonObject value, String traceparent) {
    return sendRaw(topic, key, value.encode(), traceparent);
  }

  /** Sends a value as is (e.g. a dead letter's original payload on replay). */
  public Future<Void> sendRaw(String topic, String key, String value, String traceparent) {
    KafkaProducerRecord<String, String> record = KafkaProducerRecord.create(topic, key, value);
    if (traceparent != null) {
      record.addHeader(BridgeSpec.HEADER_TRACEPARENT, traceparent);
    }
    int length = value == null ? 0 : value.length();
    if (!backlog.tryAdd(length)) {
      return refuse();
    }
    return producer.send(record).<Void>mapEmpty().andThen(sent -> backlog.remove(length));
  }

  private Future<Void> refuse() {
    refused.increment();
    BacklogFullException refusal = new BacklogFullException(name, backlog.records(), backlog.chars());
    // Each refused send fails its caller, which retries later; while the broker is away, one warning a minute says enough.
    if (warnings.due()) {
      LOG.warn("Refusing sends until the broker acknowledges earlier ones ({}); taskmesh_kafka_publish_refused_total counts them", refusal.getMessage());
    }
    return Future.failedFuture(refusal);
  }

  /** Records sent and not yet acknowledged (nor given up on) by the broker. */
  int waiting() {
    return backlog.records();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
