package dev.taskmesh.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Prints a scenario's table and writes its JSON next to the others. */
public final class Report {

  private Report() {}

  public static Path write(JsonObject result, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    result.put("date", Instant.now().toString())
        .put("machine", new JsonObject().put("cpus", Runtime.getRuntime().availableProcessors())
            .put("java", System.getProperty("java.version")).put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
    Path file = outDir.resolve(result.getString("scenario") + "-" + Instant.now().toString().replace(':', '-') + ".json");
    Files.writeString(file, result.encodePrettily());
    return file;
  }

  public static void print(JsonObject result, PrintStream out) {
    switch (result.getString("scenario")) {
      case "http" -> printHttp(result, out);
      case "pipeline" -> printPipeline(result, out);
      case "scale" -> out.printf("%nscale (%s %s): 1 instance %s runs/s, 2 instances %s runs/s, ratio %s%n",
          result.getString("type"), result.getJsonObject("input").encode(), summary(result, "oneInstanceRunsPerSec", "%.1f"),
          summary(result, "twoInstancesRunsPerSec", "%.1f"), summary(result, "ratio", "%.2f"));
      case "memory" -> out.println(result.containsKey("skipped") ? "\nmemory: " + result.getString("skipped")
          : String.format("%nmemory: idle RSS %d MB, peak under load %d MB (%d runs)", result.getLong("idleRssMb"),
              result.getLong("peakRssUnderLoadMb"), result.getInteger("loadRuns")));
      default -> out.println(result.encodePrettily());
    }
    printGoals(result, out);
  }

  private static void printGoals(JsonObject result, PrintStream out) {
    JsonArray goals = result.getJsonArray("goals");
    if (goals == null || goals.isEmpty()) {
      return;
    }
    out.println("goals (issue 7), medians:");
    goals.forEach(item -> {
      JsonObject goal = (JsonObject) item;
      out.printf("  %-58s %12s %10s   %s%n", goal.getString("goal"), Goals.format(goal.getDouble("measured")), goal.getString("target"),
          goal.getBoolean("met") ? "met" : "NOT MET");
    });
  }

  private static void printHttp(JsonObject result, PrintStream out) {
    JsonObject baseline = result.getJsonObject("baseline");
    out.printf("%nhttp%s: %d pairs of %.0f s, %d connections; medians (min–max)%n",
        result.getBoolean("gatewayOnly", false) ? " (gateway only: no workers)" : "", result.getInteger("pairs"),
        result.getDouble("seconds"), result.getInteger("connections"));
    out.printf("%-40s %26s %20s %28s%n", "endpoint", "req/s", "ratio to hello", "open-loop p99 ms @ 50% max");
    out.printf("%-40s %26.0f %20s %28.2f%n", "hello (baseline)", baseline.getDouble("reqPerSec"), "1.00",
        baseline.getJsonObject("openLoop").getJsonObject("latency").getDouble("p99Ms"));
    result.getJsonArray("candidates").forEach(item -> {
      JsonObject c = (JsonObject) item;
      out.printf("%-40s %26s %20s %28.2f%n", c.getString("endpoint"), summary(c, "reqPerSec", "%.0f"),
          summary(c, "ratioToBaseline", "%.2f"), c.getJsonObject("openLoop").getJsonObject("latency").getDouble("p99Ms"));
    });
  }

  private static void printPipeline(JsonObject result, PrintStream out) {
    out.printf("%npipeline (%d runs a batch): full speed, one run per launch request: %s runs/s%n",
        result.getInteger("runsPerBatch"), summary(result, "fullSpeedRunsPerSec", "%.0f"));
    if (result.getJsonObject("workCpuMsPerRun") != null) {
      out.printf("  system CPU per run, JIT compiler excluded: %s ms%n", summary(result, "workCpuMsPerRun", "%.2f"));
    }
    if (result.getJsonObject("fullSpeedBatchedRunsPerSec") != null) {
      out.printf("full speed, %d runs per launch request: %s runs/s%n", result.getInteger("launchBatch"),
          summary(result, "fullSpeedBatchedRunsPerSec", "%.0f"));
      if (result.getJsonObject("batchedWorkCpuMsPerRun") != null) {
        out.printf("  system CPU per run, JIT compiler excluded: %s ms%n", summary(result, "batchedWorkCpuMsPerRun", "%.2f"));
      }
    }
    out.printf("p99 at half the best full-speed rate, %d runs per launch request: %s ms%n", result.getInteger("rateBatch"),
        summary(result, "p99AtHalfMaxMs", "%.1f"));
    JsonObject stages = result.getJsonObject("stageP99AtHalfMaxMs");
    if (stages != null) {
      out.printf("  by stage: queued (accepted → started) p99 %s ms; executing (started → finished) p99 %s ms%n",
          summary(stages, "queued", "%.1f"), summary(stages, "executing", "%.1f"));
    }
    if (result.getJsonObject("burstP99AtHalfMaxMs") != null) {
      out.printf("  the same rate in bursts of %d runs per request: %s ms%n", result.getInteger("launchBatch"),
          summary(result, "burstP99AtHalfMaxMs", "%.1f"));
    }
    if (result.containsKey("kafkaEndToEndP99Ms")) {
      out.printf("Kafka EndToEndLatency p99 %s ms; pipeline p99 / Kafka p99 = %s (bursts: %s); Kafka ProducerPerformance %.0f records/s%n",
          summary(result, "kafkaEndToEndP99Ms", "%.1f"), summary(result, "p99RatioToKafka", "%.1f"),
          result.getJsonObject("burstP99RatioToKafka") == null ? "-" : summary(result, "burstP99RatioToKafka", "%.1f"),
          result.getDouble("kafkaProducerRecordsPerSec"));
    }
  }

  private static String summary(JsonObject parent, String field, String pattern) {
    JsonObject s = parent.getJsonObject(field);
    return new Summary(s.getDouble("median"), s.getDouble("min"), s.getDouble("max"), s.getInteger("n")).format(pattern);
  }
}
