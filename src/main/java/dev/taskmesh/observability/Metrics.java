package dev.taskmesh.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Collection;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * The application's own meters, registered in the Prometheus registry Vert.x creates (so they are
 * scraped from the same {@code /metrics}). Names as Prometheus shows them; docs/observability.md
 * lists every one. Meters are looked up per call rather than held in fields, because tests start and
 * stop several Vert.x instances, each with a fresh registry, in one JVM; the meters recorded per run
 * (status counter, task timer) are kept per registry ({@link MeterCache}).
 */
public final class Metrics {

  public static final String RUNS_STATUS = "taskmesh.runs.status";           // taskmesh_runs_status_total{status}
  public static final String TASK_DURATION = "taskmesh.task.duration";       // taskmesh_task_duration_seconds{type,outcome}
  public static final String TASK_RETRIES = "taskmesh.task.retries";         // taskmesh_task_retries_total{type}
  public static final String DEAD_LETTERS = "taskmesh.dead.letters";         // taskmesh_dead_letters_total{reason}
  public static final String RETENTION_DELETED = "taskmesh.retention.deleted"; // taskmesh_retention_deleted_total{kind}
  public static final String OUTBOX_BACKLOG = "taskmesh.outbox.backlog";     // taskmesh_outbox_backlog
  public static final String PUBLISH_REFUSED = "taskmesh.kafka.publish.refused"; // taskmesh_kafka_publish_refused_total{publisher}
  public static final String CONSUMER_LAG = "taskmesh.kafka.consumer.lag";   // taskmesh_kafka_consumer_lag{group,topic,partition}

  private static final MeterRegistry NONE = new CompositeMeterRegistry();
  private static final MeterCache<Counter> STATUS_COUNTERS = new MeterCache<>(Metrics::runStatusCounter);
  // Keyed by type and outcome joined with a NUL, which neither contains.
  private static final MeterCache<Timer> TASK_TIMERS = new MeterCache<>((registry, key) -> {
    int separator = key.indexOf('\u0000');
    return taskTimer(registry, key.substring(0, separator), key.substring(separator + 1));
  });

  /** The one Vert.x meter whose percentile histogram is kept. */
  static final String HTTP_SERVER_LATENCY = "vertx.http.server.response.time";

  private static final Duration[] DURATION_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5)};

  private Metrics() {}

  /** Vert.x's Prometheus registry, or a registry that records nothing when metrics are off. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry == null ? NONE : registry;
  }

  public static void runStatus(String status) {
    STATUS_COUNTERS.get(registry(), status).increment();
  }

  public static void taskFinished(String type, String outcome, Duration duration) {
    TASK_TIMERS.get(registry(), type + '\u0000' + outcome).record(duration);
  }

  public static void retry(String type) {
    Counter.builder(TASK_RETRIES).description("Failed attempts followed by another attempt").tag("type", type)
        .register(registry()).increment();
  }

  public static void deadLetter(String reason) {
    deadLetterCounter(registry(), reason).increment();
  }

  /**
   * Sends a publisher refused because the broker had not acknowledged as much as it may wait on;
   * registered when the publisher is made, so the series exists at zero.
   */
  public static Counter publishRefused(String publisher) {
    return Counter.builder(PUBLISH_REFUSED).description("Kafka sends refused at once because too many earlier sends still wait on the broker")
        .tag("publisher", publisher).register(registry());
  }

  /** Records deleted by the retention policy; {@code kind} is {@code runs} or {@code idempotency_keys}. */
  public static void retentionDeleted(String kind, long count) {
    if (count > 0) {
      retentionCounter(registry(), kind).increment(count);
    }
  }

  /**
   * The Prometheus registry handed to Vert.x at creation, so its filter applies to every meter,
   * including those Vert.x creates at start. Vert.x's publishQuantiles would give ~70 buckets to every
   * timer and size summary, times every route and status: megabytes a scrape. Instead only HTTP server
   * latency gets a percentile histogram (p99 panels); ours have explicit buckets; the rest count/sum/max.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getName().equals(HTTP_SERVER_LATENCY)
            ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
            : config;
      }
    });
    return registry;
  }

  /**
   * Creates the meters at zero for every known label value, so dashboards and {@code rate()} see
   * a series before the first event (a counter that appears only at its first increment loses it).
   */
  public static void preRegister(Collection<String> statuses, Collection<String> taskTypes) {
    MeterRegistry registry = registry();
    statuses.forEach(status -> runStatusCounter(registry, status));
    for (String type : taskTypes) {
      for (String outcome : new String[] {"completed", "failed", "timeout"}) {
        taskTimer(registry, type, outcome);
      }
      Counter.builder(TASK_RETRIES).description("Failed attempts followed by another attempt").tag("type", type).register(registry);
    }
    for (String reason : new String[] {"exhausted", "poison"}) {
      deadLetterCounter(registry, reason);
    }
    for (String kind : new String[] {"runs", "idempotency_keys"}) {
      retentionCounter(registry, kind);
    }
  }

  private static Counter retentionCounter(MeterRegistry registry, String kind) {
    return Counter.builder(RETENTION_DELETED).description("Records the retention policy deleted (runs: finished runs past the retention period)")
        .tag("kind", kind).register(registry);
  }

  private static Counter runStatusCounter(MeterRegistry registry, String status) {
    return Counter.builder(RUNS_STATUS).description("Run status changes written by the updater").tag("status", status).register(registry);
  }

  private static Counter deadLetterCounter(MeterRegistry registry, String reason) {
    return Counter.builder(DEAD_LETTERS).description("Messages parked on the dead-letter topic (exhausted: out of attempts; poison: unreadable)")
        .tag("reason", reason).register(registry);
  }

  private static Timer taskTimer(MeterRegistry registry, String type, String outcome) {
    return Timer.builder(TASK_DURATION).description("Duration of one attempt of a task handler")
        .tags("type", type, "outcome", outcome)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry);
  }
}
