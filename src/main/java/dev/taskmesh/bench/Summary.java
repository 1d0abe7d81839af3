package dev.taskmesh.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, min and max of repeated measurements: what every figure of the harness quotes. */
public record Summary(double median, double min, double max, int n) {

  public static Summary of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int size = sorted.size();
    double median = size % 2 == 1 ? sorted.get(size / 2) : (sorted.get(size / 2 - 1) + sorted.get(size / 2)) / 2.0;
    return new Summary(median, sorted.get(0), sorted.get(size - 1), size);
  }

  /** Per-pair ratios candidate / baseline, summarised: interleaving cancels drift between pairs. */
  public static Summary ratios(List<Double> candidate, List<Double> baseline) {
    if (candidate.size() != baseline.size()) {
      throw new IllegalArgumentException("pairs differ in size");
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < candidate.size(); i++) {
      ratios.add(baseline.get(i) == 0 ? 0 : candidate.get(i) / baseline.get(i));
    }
    return of(ratios);
  }

  public String format(String pattern) {
    return String.format(pattern, median) + " (" + String.format(pattern, min) + "–" + String.format(pattern, max) + ")";
  }

  public JsonObject toJson() {
    return new JsonObject().put("median", median).put("min", min).put("max", max).put("n", n);
  }
}
