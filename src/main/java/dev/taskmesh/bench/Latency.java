package dev.taskmesh.bench;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latencies in microseconds (3 significant digits, up to 10 minutes), reported in milliseconds. */
public final class Latency {

  private static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final Histogram histogram = new Histogram(MAX_MICROS, 3);

  public void recordNanos(long nanos) {
    histogram.recordValue(Math.max(1, Math.min(MAX_MICROS, nanos / 1_000)));
  }

  public void recordMillis(double millis) {
    recordNanos((long) (millis * 1_000_000));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The value at {@code percentile} (0–100), in milliseconds; 0 when nothing was recorded. */
  public double percentileMillis(double percentile) {
    return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1_000.0;
  }

  public double p50() {
    return percentileMillis(50);
  }

  public double p99() {
    return percentileMillis(99);
  }

  public double p999() {
    return percentileMillis(99.9);
  }

  public JsonObject toJson() {
    return new JsonObject().put("count", count()).put("p50Ms", p50()).put("p99Ms", p99()).put("p999Ms", p999())
        .put("maxMs", count() == 0 ? 0 : histogram.getMaxValue() / 1_000.0);
  }
}
