package dev.taskmesh.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The project's performance goals (issue 7), judged on a scenario's report: every verdict reads the
 * median of the interleaved pairs, as the goals are stated. A goal whose figure the report lacks
 * (no Kafka floor against {@code --url} without {@code --kafka}, RSS of a system the harness did
 * not start) is left out rather than judged.
 */
public final class Goals {

  /** One goal and where this report stands: {@code atLeast} says which side of the target passes. */
  public record Verdict(String goal, double measured, double target, boolean atLeast) {

    public boolean met() {
      return atLeast ? measured >= target : measured <= target;
    }

    public JsonObject toJson() {
      return new JsonObject().put("goal", goal).put("measured", measured)
          .put("target", (atLeast ? "≥ " : "≤ ") + format(target)).put("met", met());
    }
  }

  /** Figures as the tables show them: whole numbers from 100 on, two decimals below. */
  static String format(double value) {
    return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
  }

  private Goals() {}

  public static List<Verdict> judge(JsonObject report) {
    List<Verdict> verdicts = new ArrayList<>();
    switch (report.getString("scenario", "")) {
      case "http" -> {
        // Without workers the figures are the gateway's alone, not the all-in-one the goals name.
        String setting = report.getBoolean("gatewayOnly", false) ? " (gateway only, no workers)" : "";
        ratioToHello(report, HttpScenario.GET_RUN).ifPresent(r -> verdicts.add(new Verdict(HttpScenario.GET_RUN + " req/s / hello req/s" + setting, r, 0.35, true)));
        ratioToHello(report, HttpScenario.LAUNCH).ifPresent(r -> verdicts.add(new Verdict(HttpScenario.LAUNCH + " req/s / hello req/s" + setting, r, 0.15, true)));
      }
      case "pipeline" -> {
        median(report, "maxRunsPerSec").ifPresent(rate -> verdicts.add(new Verdict(
            "pipeline runs/s end to end, full speed (" + launchMode(report) + ")", rate, 5_000, true)));
        median(report, "p99RatioToKafka").ifPresent(ratio -> verdicts.add(new Verdict(
            "pipeline p99 at half the full-speed rate / Kafka's p99", ratio, 4, false)));
      }
      case "scale" -> median(report, "ratio").ifPresent(ratio -> verdicts.add(new Verdict(
          "CPU-bound runs/s, 2 worker instances / 1", ratio, 1.6, true)));
      case "memory" -> Optional.ofNullable(report.getLong("peakRssUnderLoadMb")).ifPresent(mb -> verdicts.add(new Verdict(
          "all-in-one RSS under load, MB" + jvmOptions(report), mb, 600, false)));
      default -> { }
    }
    return verdicts;
  }

  public static JsonArray toJson(List<Verdict> verdicts) {
    JsonArray array = new JsonArray();
    verdicts.forEach(verdict -> array.add(verdict.toJson()));
    return array;
  }

  private static Optional<Double> ratioToHello(JsonObject report, String endpoint) {
    JsonArray candidates = report.getJsonArray("candidates", new JsonArray());
    for (int i = 0; i < candidates.size(); i++) {
      JsonObject candidate = candidates.getJsonObject(i);
      if (endpoint.equals(candidate.getString("endpoint"))) {
        return median(candidate, "ratioToBaseline");
      }
    }
    return Optional.empty();
  }

  private static Optional<Double> median(JsonObject parent, String field) {
    JsonObject summary = parent.getJsonObject(field);
    return summary == null ? Optional.empty() : Optional.ofNullable(summary.getDouble("median"));
  }

  private static String launchMode(JsonObject report) {
    return report.getJsonObject("fullSpeedBatchedRunsPerSec") != null
        ? report.getInteger("launchBatch") + " runs per launch request"
        : "one run per launch request";
  }

  private static String jvmOptions(JsonObject report) {
    JsonArray options = report.getJsonArray("jvmOptions");
    if (options == null || options.isEmpty()) {
      return ", no JVM flags";
    }
    List<String> flags = new ArrayList<>();
    options.forEach(flag -> flags.add(String.valueOf(flag)));
    return ", " + String.join(" ", flags);
  }
}
