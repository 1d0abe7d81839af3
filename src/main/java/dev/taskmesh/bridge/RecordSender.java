package dev.taskmesh.bridge;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Sends one JSON record keyed by run id, completing when it is safely stored. Production sends to
 * Kafka ({@link KafkaPublisher}); the rules that decide what to send (the stuck-run sweeper) take
 * this interface, so a test checks their decisions without a broker.
 */
@FunctionalInterface
public interface RecordSender {

  Future<Void> send(String topic, String key, JsonObject value, String traceparent);
}
