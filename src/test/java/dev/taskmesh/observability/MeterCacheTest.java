package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MeterCacheTest {

  private final AtomicInteger built = new AtomicInteger();
  private final MeterCache<Counter> counters = new MeterCache<>((registry, status) -> {
    built.incrementAndGet();
    return Counter.builder("runs").tag("status", status).register(registry);
  });

  @Test
  void buildsAMeterOncePerKeyAndRegistry() {
    MeterRegistry registry = new SimpleMeterRegistry();
    counters.get(registry, "COMPLETED").increment();
    counters.get(registry, "COMPLETED").increment();
    counters.get(registry, "FAILED").increment();

    assertThat(built).hasValue(2);
    assertThat(registry.get("runs").tag("status", "COMPLETED").counter().count()).isEqualTo(2.0);
    assertThat(registry.get("runs").tag("status", "FAILED").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aNewRegistryGetsItsOwnMeters() {
    MeterRegistry first = new SimpleMeterRegistry();
    MeterRegistry second = new SimpleMeterRegistry();
    counters.get(first, "COMPLETED").increment();
    counters.get(second, "COMPLETED").increment();
    counters.get(second, "COMPLETED").increment();

    assertThat(first.get("runs").tag("status", "COMPLETED").counter().count()).isEqualTo(1.0);
    assertThat(second.get("runs").tag("status", "COMPLETED").counter().count()).isEqualTo(2.0);
  }
}
