package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.AppProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench command end to end, as a user runs it: a short smoke run must produce a complete report. No timing is asserted. */
class BenchSmokeIT {

  @TempDir Path dir;

  @Test
  void quickRunOfEveryScenarioWritesACompleteReport() throws Exception {
    Path out = dir.resolve("results");
    try (AppProcess bench = AppProcess.start(dir, Map.of(), "bench", "all", "--quick", "--connections", "8", "--out", out.toString())) {
      int exit = bench.awaitExit(Duration.ofMinutes(6));
      assertThat(exit).as(bench.stderr()).isZero();
      assertThat(bench.stdout()).contains("hello (baseline)", "pipeline (", "system CPU per run", "scale (checksum", "memory: idle RSS",
          "goals (issue 7), medians:");
    }
    List<JsonObject> reports;
    try (Stream<Path> files = Files.list(out)) {
      reports = files.map(f -> {
        try {
          return new JsonObject(Files.readString(f));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }).toList();
    }
    assertThat(reports).extracting(r -> r.getString("scenario")).containsExactlyInAnyOrder("memory", "http", "pipeline", "scale");
    for (JsonObject report : reports) {
      assertThat(report.getJsonObject("machine").getInteger("cpus")).isPositive();
      // Every scenario's figures are judged against the goals: 2 for http and pipeline, 1 for scale and memory.
      assertThat(report.getJsonArray("goals")).as("goals of " + report.getString("scenario"))
          .hasSize(Map.of("http", 2, "pipeline", 2, "scale", 1, "memory", 1).get(report.getString("scenario")));
      switch (report.getString("scenario")) {
        case "http" -> {
          assertThat(report.getJsonArray("candidates")).hasSize(3);
          assertThat(report.getInteger("storeRuns")).as("the store filled before the list").isPositive();
          assertThat(report.getJsonArray("candidates").stream().map(JsonObject.class::cast).map(c -> c.getInteger("warmUpRounds")))
              .as("each endpoint warmed up on its own").allMatch(rounds -> rounds >= 1);
          JsonObject getRun = report.getJsonArray("candidates").getJsonObject(0);
          assertThat(getRun.getJsonObject("reqPerSec").getDouble("median")).isPositive();
          assertThat(getRun.getJsonObject("ratioToBaseline").getDouble("median")).isPositive();
          assertThat(getRun.getJsonObject("openLoop").getJsonObject("latency").getLong("count")).isPositive();
        }
        case "pipeline" -> {
          assertThat(report.getJsonObject("fullSpeedRunsPerSec").getDouble("median")).isPositive();
          assertThat(report.getInteger("launchBatch")).isGreaterThan(1);
          assertThat(report.getJsonObject("fullSpeedBatchedRunsPerSec").getDouble("median")).as("batched launches").isPositive();
          assertThat(report.getJsonObject("maxRunsPerSec").getDouble("median"))
              .isEqualTo(report.getJsonObject("fullSpeedBatchedRunsPerSec").getDouble("median"));
          assertThat(report.getJsonObject("kafkaEndToEndP99Ms").getDouble("median")).isPositive();
          assertThat(report.getJsonObject("p99AtHalfMaxMs").getDouble("median")).as("steady stream").isPositive();
          assertThat(report.getJsonObject("burstP99AtHalfMaxMs").getDouble("median")).as("bursts of --launch-batch").isPositive();
          JsonObject stages = report.getJsonObject("stageP99AtHalfMaxMs");
          // Each run's queued stage is part of its whole latency, so neither can pass it at any percentile.
          assertThat(stages.getJsonObject("queued").getDouble("median")).isPositive()
              .isLessThanOrEqualTo(report.getJsonObject("p99AtHalfMaxMs").getDouble("median"));
          // A sleep of 0 ms takes under the stored timestamps' millisecond: 0 is a fair reading.
          assertThat(stages.getJsonObject("executing").getDouble("median")).isNotNegative()
              .isLessThanOrEqualTo(report.getJsonObject("p99AtHalfMaxMs").getDouble("median"));
          assertThat(report.getJsonObject("burstP99RatioToKafka").getDouble("median")).isPositive();
          assertThat(report.getJsonArray("fixedRate").stream().map(JsonObject.class::cast)
              .map(fixed -> fixed.getBoolean("burst", false)))
              .as("a steady phase and a burst phase").containsExactlyInAnyOrder(false, true);
          report.getJsonArray("fixedRate").stream().map(JsonObject.class::cast).map(fixed -> fixed.getJsonObject("batch"))
              .forEach(batch -> assertThat(java.time.Instant.parse(batch.getString("firstCreatedAt")))
                  .as("a batch's wall-clock span").isBeforeOrEqualTo(java.time.Instant.parse(batch.getString("lastFinishedAt"))));
          assertThat(report.getDouble("kafkaProducerRecordsPerSec")).isPositive();
          assertThat(report.getJsonObject("workCpuMsPerRun").getDouble("median")).as("the started system's CPU per run").isPositive();
        }
        case "scale" -> assertThat(report.getJsonObject("ratio").getDouble("median")).isPositive();
        case "memory" -> assertThat(report.getLong("peakRssUnderLoadMb")).isGreaterThanOrEqualTo(report.getLong("idleRssMb") / 2);
        default -> throw new AssertionError("unexpected scenario " + report);
      }
    }
  }

  @Test
  void gatewayOnlyMeasuresLaunchesThatNoWorkerTakes() throws Exception {
    Path out = dir.resolve("gateway");
    try (AppProcess bench = AppProcess.start(dir, Map.of(), "bench", "http", "--gateway-only", "--quick", "--connections", "8",
        "--out", out.toString())) {
      int exit = bench.awaitExit(Duration.ofMinutes(4));
      assertThat(exit).as(bench.stderr()).isZero();
      assertThat(bench.stdout()).contains("http (gateway only: no workers)", "(gateway only, no workers)");
    }
    JsonObject report;
    try (Stream<Path> files = Files.list(out)) {
      report = new JsonObject(Files.readString(files.findFirst().orElseThrow()));
    }
    assertThat(report.getBoolean("gatewayOnly")).isTrue();
    assertThat(report.getJsonArray("candidates").stream().map(JsonObject.class::cast).map(c -> c.getString("endpoint")))
        .containsExactly(HttpScenario.GET_RUN, "GET /api/runs?status=PENDING&size=20", HttpScenario.LAUNCH);
    JsonObject launch = report.getJsonArray("candidates").getJsonObject(2);
    assertThat(launch.getJsonObject("reqPerSec").getDouble("median")).isPositive();
    assertThat(report.getJsonArray("goals")).hasSize(2);
  }
}
