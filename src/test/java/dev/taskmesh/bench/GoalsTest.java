package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoalsTest {

  private static JsonObject summary(double median, double min, double max) {
    return new Summary(median, min, max, 3).toJson();
  }

  private static JsonObject candidate(String endpoint, double ratioMedian) {
    return new JsonObject().put("endpoint", endpoint).put("ratioToBaseline", summary(ratioMedian, ratioMedian - 0.1, ratioMedian + 0.1));
  }

  @Test
  void httpJudgesTheReadAndTheLaunchOnTheirMedianRatiosToHello() {
    JsonObject http = new JsonObject().put("scenario", "http").put("candidates", new JsonArray()
        .add(candidate(HttpScenario.GET_RUN, 0.38))
        .add(candidate("GET /api/runs?status=COMPLETED&size=20", 0.001))
        .add(candidate(HttpScenario.LAUNCH, 0.07)));

    List<Goals.Verdict> verdicts = Goals.judge(http);

    assertThat(verdicts).extracting(Goals.Verdict::measured).containsExactly(0.38, 0.07);
    assertThat(verdicts).extracting(Goals.Verdict::met).containsExactly(true, false);
    assertThat(verdicts.get(1).goal()).contains(HttpScenario.LAUNCH);
  }

  @Test
  void aGatewayOnlyReportSaysSoInEachVerdict() {
    JsonObject http = new JsonObject().put("scenario", "http").put("gatewayOnly", true).put("candidates", new JsonArray()
        .add(candidate(HttpScenario.GET_RUN, 0.30))
        .add(candidate(HttpScenario.LAUNCH, 0.16)));

    List<Goals.Verdict> verdicts = Goals.judge(http);

    assertThat(verdicts).extracting(Goals.Verdict::met).containsExactly(false, true);
    assertThat(verdicts).extracting(Goals.Verdict::goal).allMatch(goal -> goal.endsWith("(gateway only, no workers)"));
    http.remove("gatewayOnly");
    assertThat(Goals.judge(http)).extracting(Goals.Verdict::goal).noneMatch(goal -> goal.contains("gateway only"));
  }

  @Test
  void theMedianDecidesNotTheBestPair() {
    // A best pair over the line does not make a goal met: the goals are stated on medians.
    JsonObject scale = new JsonObject().put("scenario", "scale").put("ratio", summary(1.59, 1.58, 1.69));

    assertThat(Goals.judge(scale)).singleElement().satisfies(verdict -> {
      assertThat(verdict.measured()).isEqualTo(1.59);
      assertThat(verdict.met()).isFalse();
    });
  }

  @Test
  void aFigureExactlyOnTheTargetMeetsItFromEitherSide() {
    JsonObject scale = new JsonObject().put("scenario", "scale").put("ratio", summary(1.6, 1.6, 1.6));
    JsonObject memory = new JsonObject().put("scenario", "memory").put("peakRssUnderLoadMb", 600L);

    assertThat(Goals.judge(scale).get(0).met()).isTrue();
    assertThat(Goals.judge(memory).get(0).met()).isTrue();
  }

  @Test
  void pipelineJudgesItsBestLaunchModeAndItsTailAgainstKafka() {
    JsonObject pipeline = new JsonObject().put("scenario", "pipeline").put("launchBatch", 100)
        .put("fullSpeedRunsPerSec", summary(4_235, 4_049, 4_664))
        .put("fullSpeedBatchedRunsPerSec", summary(7_452, 7_087, 7_669))
        .put("maxRunsPerSec", summary(7_452, 7_087, 7_669))
        .put("p99RatioToKafka", summary(4.7, 3.4, 5.0));

    List<Goals.Verdict> verdicts = Goals.judge(pipeline);

    assertThat(verdicts).hasSize(2);
    assertThat(verdicts.get(0).goal()).contains("100 runs per launch request");
    assertThat(verdicts.get(0).met()).isTrue();
    assertThat(verdicts.get(1).measured()).isEqualTo(4.7);
    assertThat(verdicts.get(1).met()).isFalse();
  }

  @Test
  void aFigureTheReportLacksIsLeftOutNotJudged() {
    // Against --url without --kafka there is no Kafka floor, and no RSS for a system the harness did not start.
    JsonObject pipeline = new JsonObject().put("scenario", "pipeline").put("maxRunsPerSec", summary(5_100, 5_000, 5_200));
    JsonObject memory = new JsonObject().put("scenario", "memory").put("skipped", "RSS is only known for a system the harness started");

    assertThat(Goals.judge(pipeline)).singleElement().satisfies(verdict -> {
      assertThat(verdict.goal()).contains("one run per launch request");
      assertThat(verdict.met()).isTrue();
    });
    assertThat(Goals.judge(memory)).isEmpty();
  }

  @Test
  void theMemoryVerdictNamesTheFlagsItWasMeasuredWith() {
    JsonObject capped = new JsonObject().put("scenario", "memory").put("peakRssUnderLoadMb", 483L).put("jvmOptions", new JsonArray().add("-Xmx256m"));
    JsonObject plain = new JsonObject().put("scenario", "memory").put("peakRssUnderLoadMb", 697L).put("jvmOptions", new JsonArray());

    assertThat(Goals.judge(capped).get(0).goal()).endsWith("-Xmx256m");
    assertThat(Goals.judge(capped).get(0).met()).isTrue();
    assertThat(Goals.judge(plain).get(0).goal()).endsWith("no JVM flags");
    assertThat(Goals.judge(plain).get(0).met()).isFalse();
  }

  @Test
  void theJsonFormSaysWhichSideOfTheTargetPasses() {
    JsonObject json = new Goals.Verdict("p99 ratio", 3.8, 4, false).toJson();

    assertThat(json.getString("target")).isEqualTo("≤ 4.00");
    assertThat(json.getBoolean("met")).isTrue();
    assertThat(new Goals.Verdict("runs/s", 7_452, 5_000, true).toJson().getString("target")).isEqualTo("≥ 5,000");
  }
}
