package dev.taskmesh.support;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Bounded polling for integration tests: every wait has a deadline and says what it waited for. */
public final class Awaits {

  private Awaits() {}

  public static <T> T until(Supplier<T> probe, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    RuntimeException last = null;
    while (System.currentTimeMillis() < deadline) {
      try {
        T value = probe.get();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("Timed out after " + timeoutMs + " ms waiting for " + what, last);
  }

  /** Waits until the group has committed every record of these topics: everything published so far is processed. */
  public static void caughtUp(String bootstrap, String group, java.util.Collection<String> topics, long timeoutMs) throws InterruptedException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      until(() -> {
        try {
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) ->
              description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
          var ends = admin.listOffsets(latest).all().get();
          Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
          for (var end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            long position = done == null ? 0 : done.offset();
            if (position < end.getValue().offset()) {
              return false;
            }
          }
          return true;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, timeoutMs, "group " + group + " caught up on " + topics);
    }
  }
}
