package dev.taskmesh.infra;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka gives each partition to one consumer of a group, so consumers beyond the partition count
 * sit idle. Scaling worker replicas past it buys nothing; say so at start instead of letting a user
 * wonder why the tenth replica never runs anything.
 */
public final class ConsumerCapacity {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerCapacity.class);
  private static final long LOOKUP_TIMEOUT_MS = 5_000;

  private ConsumerCapacity() {}

  /** The warning for this many consumers on that many partitions, if there is one to give. */
  public static Optional<String> warning(String group, String topic, int partitions, int inThisProcess, int inOtherProcesses) {
    int total = inThisProcess + inOtherProcesses;
    if (total <= partitions) {
      return Optional.empty();
    }
    String where = inOtherProcesses == 0
        ? inThisProcess + " worker consumers in this process (WORKER_INSTANCES)"
        : total + " worker consumers in group " + group + " (" + inThisProcess + " in this process, "
            + inOtherProcesses + " already in other processes)";
    return Optional.of(where + " but topic " + topic + " has " + partitions + " partitions: " + (total - partitions)
        + " will stay idle. Raise KAFKA_PARTITIONS (partitions can grow, never shrink) or run fewer worker"
        + " instances or replicas; see docs/operations.md#scaling-knobs");
  }

  /**
   * Looks at the topic's real partition count and, best effort, at the consumers other processes
   * already have in the group, and logs the warning if any. Bounded: the group lookup may need the
   * broker to create its offsets topic first, so a slow or failed lookup counts no other consumers
   * rather than delaying the start or hiding this process's own excess.
   */
  public static Optional<String> check(String bootstrapServers, String group, String topic, int configuredPartitions,
      int inThisProcess) {
    int partitions = configuredPartitions;
    int others = 0;
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.CLIENT_ID_CONFIG, "taskmesh-capacity",
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) LOOKUP_TIMEOUT_MS))) {
      partitions = admin.describeTopics(Set.of(topic)).allTopicNames()
          .get(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic).partitions().size();
      ConsumerGroupDescription description = admin.describeConsumerGroups(Set.of(group)).all()
          .get(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(group);
      others = description == null ? 0 : description.members().size();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.debug("Could not count the consumers of group {}: {}", group, e.toString());
    }
    Optional<String> warning = warning(group, topic, partitions, inThisProcess, others);
    warning.ifPresent(LOG::warn);
    return warning;
  }
}
