package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.yammer.metrics.core.Histogram;
import com.yammer.metrics.core.MetricName;
import com.yammer.metrics.stats.UniformSample;
import java.lang.reflect.Field;
import org.apache.kafka.server.metrics.KafkaYammerMetrics;
import org.junit.jupiter.api.Test;

class BrokerHistogramsTest {

  /**
   * What the broker asks for (a biased histogram, as its request metrics do) is a uniform one once
   * installed. This fails first if a Kafka upgrade moves the registry: the install then only logs.
   */
  @Test
  void theBrokersBiasedHistogramsSampleUniformlyOnceInstalled() throws Exception {
    BrokerHistograms.sampleUniformly();
    BrokerHistograms.sampleUniformly(); // idempotent: a second broker in the JVM keeps the same registry
    assertThat(KafkaYammerMetrics.defaultRegistry()).isInstanceOf(BrokerHistograms.UniformHistograms.class);

    Histogram total = KafkaYammerMetrics.defaultRegistry().newHistogram(new MetricName("kafka.network", "RequestMetrics", "TestTotalTimeMs"), true);
    for (int value = 1; value <= 10_000; value++) {
      total.update(value);
    }
    assertThat(total.count()).isEqualTo(10_000);
    assertThat(total.getSnapshot().getMedian()).isBetween(4_000.0, 6_000.0);
    Field sample = Histogram.class.getDeclaredField("sample");
    sample.setAccessible(true);
    assertThat(sample.get(total)).isInstanceOf(UniformSample.class);
  }
}
