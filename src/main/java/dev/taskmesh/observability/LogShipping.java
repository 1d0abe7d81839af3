package dev.taskmesh.observability;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.shipping.ElasticsearchAppender;
import dev.taskmesh.observability.shipping.ShippingSettings;
import dev.taskmesh.observability.shipping.ShippingStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns {@code elasticsearch.*} into the log appender's settings, and exposes its counters as meters. */
public final class LogShipping {

  private static final Logger LOG = LoggerFactory.getLogger(LogShipping.class);

  private LogShipping() {}

  /** Starts shipping when a url is configured, otherwise switches the appender off. */
  public static void configure(AppConfig.Elasticsearch config) {
    ElasticsearchAppender appender = ElasticsearchAppender.current();
    if (appender == null) {
      if (config.url().isPresent()) {
        LOG.warn("elasticsearch.url is set but the logging configuration has no ElasticsearchAppender; logs are not shipped");
      }
      return;
    }
    ElasticsearchHealth.required(config.requiredForReadiness());
    if (config.url().isEmpty()) {
      appender.deactivate();
      return;
    }
    appender.activate(settings(config));
    LOG.info("Shipping logs to {} (indices {}-YYYY.MM.DD, queue bound {}, batch {})",
        config.url().get(), config.indexPrefix(), config.queueCapacity(), config.batchSize());
  }

  static ShippingSettings settings(AppConfig.Elasticsearch config) {
    return new ShippingSettings(config.url().orElseThrow(), config.username(), config.password(), config.apiKey(),
        config.indexPrefix(), config.queueCapacity(), config.batchSize(), config.flushIntervalMs(), config.shutdownTimeoutMs());
  }

  /** The appender's counters; empty when the logging configuration has none. */
  public static Optional<ShippingStats> stats() {
    return Optional.ofNullable(ElasticsearchAppender.current()).map(ElasticsearchAppender::stats);
  }

  /** Registers the shipping meters (always, so dashboards find them at zero when shipping is off). */
  public static void bind(MeterRegistry registry) {
    ElasticsearchAppender appender = ElasticsearchAppender.current();
    if (appender == null) {
      return;
    }
    ShippingStats stats = appender.stats();
    FunctionCounter.builder("taskmesh.log.shipping.dropped", stats, ShippingStats::dropped)
        .description("Log events dropped: queue full (oldest first) or not flushed within the stop timeout").register(registry);
    FunctionCounter.builder("taskmesh.log.shipping.rejected", stats, ShippingStats::rejected)
        .description("Log documents Elasticsearch refused (checked item by item in each bulk response)").register(registry);
    FunctionCounter.builder("taskmesh.log.shipping.shipped", stats, ShippingStats::shipped)
        .description("Log documents indexed").register(registry);
    FunctionCounter.builder("taskmesh.log.shipping.failed.requests", stats, ShippingStats::failedRequests)
        .description("Bulk requests that failed as a whole (engine down, timeout, 5xx); their documents were retried").register(registry);
    Gauge.builder("taskmesh.log.shipping.queue.size", appender, a -> a.queued())
        .description("Log events waiting to be shipped").register(registry);
  }
}
