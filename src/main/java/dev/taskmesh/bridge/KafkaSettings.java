package dev.taskmesh.bridge;

import java.util.HashMap;
import java.util.Map;

/** Client settings shared by every consumer and producer of the application. */
public final class KafkaSettings {

  private KafkaSettings() {}

  public static Map<String, String> consumer(String bootstrapServers, String groupId, String clientId) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.put("group.id", groupId);
    config.put("client.id", clientId);
    config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    // Offsets are committed by the bridge after the handler replied, never automatically.
    config.put("enable.auto.commit", "false");
    // A group that starts after runs were published must still see them.
    config.put("auto.offset.reset", "earliest");
    // Incremental rebalances: partitions not moving keep flowing while others move.
    config.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
    config.put("max.poll.records", "500");
    // How long the broker may hold a fetch that found nothing (default 500 ms). The consumer has one
    // fetch in flight per broker, so a partition resumed meanwhile waits for it to come back: with
    // the default, a run could sit half a second in a resumed partition of an otherwise idle topic.
    config.put("fetch.max.wait.ms", "100");
    return config;
  }

  public static Map<String, String> producer(String bootstrapServers, String clientId) {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.put("client.id", clientId);
    config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    config.put("acks", "all");
    config.put("enable.idempotence", "true");
    config.put("linger.ms", "2");
    config.put("delivery.timeout.ms", "30000");
    config.put("request.timeout.ms", "10000");
    // How long send() may block its worker context (full buffer, or no metadata for the topic) before
    // failing: later sends queue behind it, so a broker outage surfaces in seconds, not in a minute.
    config.put("max.block.ms", "10000");
    return config;
  }
}
