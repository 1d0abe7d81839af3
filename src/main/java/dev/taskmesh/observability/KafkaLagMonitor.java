package dev.taskmesh.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumer lag per partition, read from the broker: end offset minus the group's committed offset.
 * This is the lag that matters for delivery (records not yet durably processed), and it is the same
 * whichever process measures it, so it works for split deployments without touching the consumers.
 */
public final class KafkaLagMonitor {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaLagMonitor.class);

  private final Vertx vertx;
  private final KafkaAdminClient admin;
  private final List<String> groups;
  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lags = new ConcurrentHashMap<>();
  private long timer = -1;
  private boolean polling;

  public KafkaLagMonitor(Vertx vertx, String bootstrapServers, List<String> groups, MeterRegistry registry) {
    this.vertx = vertx;
    this.groups = groups;
    this.registry = registry;
    this.admin = KafkaAdminClient.create(vertx, Map.of(
        "bootstrap.servers", bootstrapServers,
        "client.id", "taskmesh-lag-monitor",
        "request.timeout.ms", "5000",
        "default.api.timeout.ms", "8000"));
  }

  public void start(long intervalMs) {
    timer = vertx.setPeriodic(Math.min(intervalMs, 1_000), intervalMs, id -> poll());
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return admin.close();
  }

  private void poll() {
    if (polling) {
      return;
    }
    polling = true;
    Future.join(groups.stream().map(this::pollGroup).toList())
        .onComplete(done -> polling = false);
  }

  private Future<Void> pollGroup(String group) {
    return admin.listConsumerGroupOffsets(group).compose(committed -> {
      if (committed.isEmpty()) {
        return Future.succeededFuture();
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.LATEST));
      return admin.listOffsets(latest).map(ends -> {
        record(group, committed, ends);
        return null;
      });
    }).<Void>mapEmpty().onFailure(e -> LOG.debug("Lag of group {} not read: {}", group, e.getMessage()));
  }

  private void record(String group, Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, ListOffsetsResultInfo> ends) {
    committed.forEach((tp, offset) -> {
      ListOffsetsResultInfo end = ends.get(tp);
      if (end == null || offset == null) {
        return;
      }
      long lag = Math.max(0, end.getOffset() - offset.getOffset());
      gauge(group, tp).set(lag);
    });
  }

  private AtomicLong gauge(String group, TopicPartition tp) {
    String key = group + "/" + tp.getTopic() + "/" + tp.getPartition();
    return lags.computeIfAbsent(key, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(Metrics.CONSUMER_LAG, value, AtomicLong::get)
          .description("Records of a partition not yet committed by the consumer group (end offset - committed offset)")
          .tags("group", group, "topic", tp.getTopic(), "partition", Integer.toString(tp.getPartition()))
          .register(registry);
      return value;
    });
  }
}
