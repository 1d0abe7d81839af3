package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsAreAFullRunOfFivePairs() {
    BenchOptions options = BenchOptions.parse(new String[] {"http"});
    assertThat(options.pairs()).isEqualTo(5);
    assertThat(options.seconds()).isEqualTo(10);
    assertThat(options.url()).isEmpty();
  }

  @Test
  void quickIsASmokeRun() {
    BenchOptions options = BenchOptions.parse(new String[] {"all", "--quick", "--rates", "100,200", "--url", "http://127.0.0.1:9"});
    assertThat(options.pairs()).isEqualTo(1);
    assertThat(options.runs()).isEqualTo(200);
    assertThat(options.rates()).isEqualTo(List.of(100.0, 200.0));
    assertThat(options.url()).contains("http://127.0.0.1:9");
  }

  @Test
  void badInputIsRejectedWithTheReason() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"htp"})).hasMessageContaining("unknown scenario 'htp'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"http", "--pairs", "0"})).hasMessageContaining("--pairs must be at least 1");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"http", "--pairs"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {})).hasMessageContaining("missing scenario");
  }

  @Test
  void gatewayOnlyIsAnHttpMeasurement() {
    assertThat(BenchOptions.parse(new String[] {"http"}).gatewayOnly()).isFalse();
    assertThat(BenchOptions.parse(new String[] {"http", "--gateway-only", "--pairs", "2"}).gatewayOnly()).isTrue();
    assertThat(BenchOptions.parse(new String[] {"http", "--gateway-only", "--pairs", "2"}).pairs()).isEqualTo(2);
    for (String other : List.of("pipeline", "scale", "memory", "all")) {
      assertThatThrownBy(() -> BenchOptions.parse(new String[] {other, "--gateway-only"}))
          .hasMessageContaining("only with the http scenario, not " + other);
    }
  }

  @Test
  void warmupBatchesAndJvmOptionsForTheStartedSystems() {
    BenchOptions defaults = BenchOptions.parse(new String[] {"memory"});
    assertThat(defaults.warmupBatches()).isEqualTo(30);
    assertThat(defaults.jvmOptions()).isEmpty();
    assertThat(BenchOptions.parse(new String[] {"all", "--quick"}).warmupBatches()).isEqualTo(1);
    BenchOptions capped = BenchOptions.parse(new String[] {"memory", "--jvm-options", " -Xmx256m  -XX:+UseSerialGC ", "--warmup-batches", "4"});
    assertThat(capped.jvmOptions()).containsExactly("-Xmx256m", "-XX:+UseSerialGC");
    assertThat(defaults.systemJar()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pipeline", "--system-jar", "/no/such.jar"}))
        .hasMessageContaining("--system-jar: no file /no/such.jar");
    assertThat(capped.warmupBatches()).isEqualTo(4);
  }

  @Test
  void launchBatchDefaultsTo100AndStaysWithinOneBulkInsert() {
    assertThat(BenchOptions.parse(new String[] {"pipeline"}).launchBatch()).isEqualTo(100);
    assertThat(BenchOptions.parse(new String[] {"pipeline", "--launch-batch", "1"}).launchBatch()).isEqualTo(1);
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pipeline", "--launch-batch", "501"})).hasMessageContaining("at most 500");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pipeline", "--launch-batch", "0"})).hasMessageContaining("at least 1");
  }

  @Test
  void fixedRatesLaunch20RunsPerRequestUnlessToldOtherwise() {
    assertThat(BenchOptions.parse(new String[] {"pipeline"}).rateBatch()).isEqualTo(20);
    assertThat(BenchOptions.parse(new String[] {"pipeline", "--rate-batch", "1"}).rateBatch()).isEqualTo(1);
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pipeline", "--rate-batch", "501"})).hasMessageContaining("--rate-batch: at most 500");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"pipeline", "--rate-batch", "0"})).hasMessageContaining("at least 1");
  }

  @Test
  void anOpenLoopLaunchesFullSpeedSizedBatchesButAtLeast20ASecond() {
    assertThat(RunBatch.Launching.open(3_000, 100).perRequest()).as("half of 6,000/s: the full-speed batch, 30 a second").isEqualTo(100);
    assertThat(RunBatch.Launching.open(1_000, 100).perRequest()).as("20 requests a second").isEqualTo(50);
    assertThat(RunBatch.Launching.open(10, 100).perRequest()).as("slow rates launch one by one").isEqualTo(1);
    assertThat(RunBatch.Launching.open(2_000, 1).perRequest()).isEqualTo(1);
  }
}
