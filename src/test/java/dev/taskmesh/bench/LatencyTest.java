package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void percentilesOfAUniformDistribution() {
    Latency latency = new Latency();
    for (int ms = 1; ms <= 1000; ms++) {
      latency.recordMillis(ms);
    }
    assertThat(latency.count()).isEqualTo(1000);
    assertThat(latency.p50()).isCloseTo(500, within(1.0));
    assertThat(latency.p99()).isCloseTo(990, within(1.5));
    assertThat(latency.p999()).isCloseTo(999, within(1.5));
  }

  @Test
  void aSingleOutlierShowsOnlyInTheTail() {
    Latency latency = new Latency();
    for (int i = 0; i < 999; i++) {
      latency.recordMillis(2);
    }
    latency.recordMillis(5_000);
    assertThat(latency.p99()).isCloseTo(2, within(0.01));
    assertThat(latency.percentileMillis(100)).isCloseTo(5_000, within(5.0));
  }

  @Test
  void emptyHistogramReportsZero() {
    assertThat(new Latency().p99()).isZero();
    assertThat(new Latency().toJson().getLong("count")).isZero();
  }
}
