package dev.taskmesh.observability;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Meters of one name, kept by their label values (one key) for the registry in use. Building a meter only to look it
 * up (Micrometer's builder, then {@code register}) allocates its tags, and a timer's buckets, on every
 * call: for the run status counter, recorded four times per run, that was 2.4% of what the pipeline
 * allocated (docs/benchmarks.md, twentieth round). Tests start and stop several Vert.x instances,
 * each with a fresh registry, in one JVM, so the meters are dropped when the registry changes.
 *
 * @param <M> the kind of meter
 */
final class MeterCache<M extends Meter> {

  private record Kept<M>(MeterRegistry registry, Map<String, M> byKey) {}

  /** Builds the meter for a key in a registry; non-capturing, so a lookup allocates nothing. */
  private final BiFunction<MeterRegistry, String, M> build;
  private volatile Kept<M> kept = new Kept<>(null, new ConcurrentHashMap<>());

  MeterCache(BiFunction<MeterRegistry, String, M> build) {
    this.build = build;
  }

  M get(MeterRegistry registry, String key) {
    Kept<M> current = kept;
    if (current.registry() != registry) {
      current = new Kept<>(registry, new ConcurrentHashMap<>());
      kept = current;
    }
    M meter = current.byKey().get(key);
    return meter != null ? meter : current.byKey().computeIfAbsent(key, k -> build.apply(registry, k));
  }
}
