package dev.taskmesh.bridge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

/**
 * Publishes JSON messages keyed by run id, completing only when the broker acknowledged them
 * (acks=all, idempotent producer). One shared producer per process and name: batching works best
 * when every verticle instance feeds the same one.
 */
public final class KafkaPublisher implements RecordSender {

  private final KafkaProducer<String, String> producer;

  public KafkaPublisher(Vertx vertx, String name, String bootstrapServers) {
    this.producer = KafkaProducer.createShared(vertx, name, KafkaSettings.producer(bootstrapServers, name));
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
    return producer.send(record).mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
