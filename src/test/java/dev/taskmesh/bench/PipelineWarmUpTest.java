package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineWarmUpTest {

  @Test
  void theWarmUpLaunchesRunsEveryWayTheMeasurementDoesOpenLoopsAtHalfTheFastestRate() {
    BenchOptions options = BenchOptions.parse(new String[] {"pipeline"});
    List<PipelineScenario.WarmUpKind> kinds = PipelineScenario.measuredKinds(options);

    assertThat(kinds).extracting(PipelineScenario.WarmUpKind::name)
        .containsExactly("runs", "batched runs", "runs at half speed", "bursts at half speed");
    assertThat(kinds).extracting(PipelineScenario.WarmUpKind::closedLoop).containsExactly(true, true, false, false);
    assertThat(kinds.get(0).launching().apply(12_000)).isEqualTo(RunBatch.Launching.closed(options.connections(), 1));
    assertThat(kinds.get(1).launching().apply(12_000))
        .isEqualTo(RunBatch.Launching.closed(PipelineScenario.BATCH_CONCURRENCY, options.launchBatch()));
    assertThat(kinds.get(2).launching().apply(12_000)).isEqualTo(RunBatch.Launching.open(6_000, options.rateBatch()));
    assertThat(kinds.get(3).launching().apply(12_000)).isEqualTo(RunBatch.Launching.open(6_000, options.launchBatch()));
  }

  @Test
  void withoutBatchedLaunchesTheWarmUpHasNoBatchedKinds() {
    BenchOptions options = BenchOptions.parse(new String[] {"pipeline", "--launch-batch", "1"});

    assertThat(PipelineScenario.measuredKinds(options)).extracting(PipelineScenario.WarmUpKind::name)
        .containsExactly("runs", "runs at half speed");
  }
}
