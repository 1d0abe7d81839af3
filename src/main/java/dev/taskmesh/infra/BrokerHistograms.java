package dev.taskmesh.infra;

import com.yammer.metrics.core.Histogram;
import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.core.MetricsRegistry;
import java.lang.reflect.Field;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded broker's Yammer histograms, sampled uniformly.
 *
 * <p>Kafka's broker records every request's times and sizes in about eight Yammer histograms, and
 * their default reservoir (exponentially decaying) keeps its 1,028 samples in a skip list: a node,
 * an index level now and then and a boxed priority per update, each living a few seconds until
 * newer samples push it out. Objects of that age are the young collections' worst case: every
 * collection copies them again. Under the pipeline's load they were about 1.9 MB of the 14 MB each
 * collection copied (docs/benchmarks.md, eighteenth round). A uniform reservoir writes into an
 * array in place and allocates nothing per update.
 *
 * <p>The price: these histograms describe all time instead of the last minutes, and they are no
 * longer published as JMX beans (Kafka's JMX reporter listens to the registry it started with).
 * Nothing in this system reads them; the broker's own health is read through its clients and the
 * application's metrics. If a Kafka upgrade moves the registry, the broker keeps Kafka's default
 * and this logs why.
 */
final class BrokerHistograms {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerHistograms.class);

  private BrokerHistograms() {}

  /** Installs the uniform registry before the broker creates its histograms; idempotent. */
  static synchronized void sampleUniformly() {
    if (KafkaYammerMetrics.defaultRegistry() instanceof UniformHistograms) {
      return;
    }
    try {
      Field registry = KafkaYammerMetrics.class.getDeclaredField("metricsRegistry");
      registry.setAccessible(true);
      registry.set(KafkaYammerMetrics.INSTANCE, new UniformHistograms());
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("The embedded broker keeps Kafka's decaying histograms ({}): its request metrics cost more garbage", e.toString());
    }
  }

  /** A registry whose histograms, asked for biased or not, sample uniformly. */
  static final class UniformHistograms extends MetricsRegistry {
    @Override
    public Histogram newHistogram(MetricName metricName, boolean biased) {
      return super.newHistogram(metricName, false);
    }
  }
}
