package dev.taskmesh.infra;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes sure the application's topics exist with at least the configured partitions, every
 * partition with a leader, on the embedded broker or an external cluster. Blocking with a bounded
 * wait: the launcher calls it before any verticle starts, never on an event loop.
 */
public final class KafkaTopics {

  private KafkaTopics() {}

  /** Waits until the cluster answers; returns its broker count. */
  public static int awaitCluster(String bootstrapServers, long timeoutMs) {
    try (Admin admin = admin(bootstrapServers, timeoutMs)) { // the Admin client retries connecting until the deadline
      return admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
    } catch (TimeoutException | ExecutionException e) {
      throw notAnswering(bootstrapServers, timeoutMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedInfraException("Interrupted while waiting for Kafka at " + bootstrapServers);
    }
  }

  private static Admin admin(String bootstrapServers, long timeoutMs) {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG, "taskmesh-topics",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, 5_000),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(timeoutMs, Integer.MAX_VALUE)));
  }

  /** Replication is the broker count, capped at 3: 1 on a laptop, 3 on a production cluster. */
  public static void ensure(String bootstrapServers, Map<String, Integer> partitionsByTopic, long timeoutMs) {
    partitionsByTopic.forEach((topic, partitions) -> {
      if (partitions == null || partitions < 1) {
        throw new IllegalArgumentException("Topic " + topic + " needs at least 1 partition, got " + partitions);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try (Admin admin = admin(bootstrapServers, timeoutMs)) {
      int brokers = admin.describeCluster().nodes().get(remainingMillis(deadline), TimeUnit.MILLISECONDS).size();
      short replication = (short) Math.min(3, Math.max(1, brokers));
      Set<String> existing = admin.listTopics().names().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
      Map<String, NewPartitions> grow = new HashMap<>();
      for (Map.Entry<String, Integer> wanted : partitionsByTopic.entrySet()) {
        if (!existing.contains(wanted.getKey())) {
          NewTopic topic = new NewTopic(wanted.getKey(), wanted.getValue(), replication);
          await(admin.createTopics(Set.of(topic)).all(), deadline, TopicExistsException.class);
        } else if (awaitTopic(admin, wanted.getKey(), 1, deadline) < wanted.getValue()) {
          grow.put(wanted.getKey(), NewPartitions.increaseTo(wanted.getValue()));
        }
      }
      if (!grow.isEmpty()) {
        await(admin.createPartitions(grow).all(), deadline, InvalidPartitionsException.class);
      }
      for (Map.Entry<String, Integer> wanted : partitionsByTopic.entrySet()) {
        awaitTopic(admin, wanted.getKey(), wanted.getValue(), deadline);
      }
    } catch (TimeoutException e) {
      throw notAnswering(bootstrapServers, timeoutMs);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw notAnswering(bootstrapServers, timeoutMs);
      }
      throw new EmbeddedInfraException("Kafka at " + bootstrapServers + " refused to prepare topics: " + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedInfraException("Interrupted while preparing Kafka topics at " + bootstrapServers);
    }
  }

  private static EmbeddedInfraException notAnswering(String bootstrapServers, long timeoutMs) {
    return new EmbeddedInfraException("Kafka at " + bootstrapServers + " did not answer within " + timeoutMs + " ms");
  }

  /** Waits until the topic has at least that many partitions, all with a leader; returns its partition count. */
  private static int awaitTopic(Admin admin, String topic, int partitions, long deadline)
      throws ExecutionException, InterruptedException, TimeoutException {
    while (true) {
      try {
        TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
            .get(remainingMillis(deadline), TimeUnit.MILLISECONDS).get(topic);
        if (description.partitions().size() >= partitions && description.partitions().stream()
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return description.partitions().size();
        }
      } catch (ExecutionException e) { // a just-created topic can briefly be unknown to the broker's metadata cache
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      Thread.sleep(Math.min(100, remainingMillis(deadline)));
    }
  }

  private static void await(KafkaFuture<Void> future, long deadline, Class<? extends Throwable> harmless)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      future.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!harmless.isInstance(e.getCause())) { // a concurrent creator got there first
        throw e;
      }
    }
  }

  private static long remainingMillis(long deadlineNanos) throws TimeoutException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remaining <= 0) {
      throw new TimeoutException();
    }
    return remaining;
  }
}
