package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CPU-bound task type with 1 and then 2 worker instances, each in a freshly started system,
 * interleaved (1 2 1 2 …): the throughput ratio says how far one more instance scales.
 */
public final class ScaleScenario {

  /**
   * SHA-256 over a 256 KiB buffer, 1,000 rounds: about a quarter of a second of pure CPU a run, with a
   * working set that fits one core's L2. It must dominate the per-run pipeline overhead (about 10 ms of
   * CPU a run at these low rates, on event loops, the broker and the store, which worker instances do
   * not scale; at 200 rounds that overhead alone held the ratio near 1.4), and not be memory-bound (a
   * large primes sieve measures the shared L3, not cores).
   */
  static final JsonObject INPUT = new JsonObject().put("sizeBytes", 262_144).put("rounds", 1_000);
  static final String TYPE = "checksum";

  private ScaleScenario() {}

  public static JsonObject run(BenchOptions options, Vertx vertx) throws Exception {
    Progress progress = new Progress("scale");
    List<Double> one = new ArrayList<>();
    List<Double> two = new ArrayList<>();
    int runs = Math.max(20, options.runs() / 200);
    for (int pair = 1; pair <= options.pairs(); pair++) {
      for (int instances : new int[] {1, 2}) {
        progress.show("pair " + pair + "/" + options.pairs() + ": starting with " + instances + " worker instance(s)");
        try (SystemUnderTest sut = SystemUnderTest.start(Map.of("WORKER_INSTANCES", Integer.toString(instances)), options);
            LoadGenerator load = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
          ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
          PipelineScenario.warmUp(api, load, sut, TYPE, INPUT, Math.max(4, runs / 5), options,
              List.of(PipelineScenario.WarmUpKind.closed("runs", options.connections(), 1)), progress);
          double rate = RunBatch.run(api, load, null, TYPE, INPUT, runs, RunBatch.Launching.closed(options.connections(), 1), progress)
              .runsPerSecond();
          (instances == 1 ? one : two).add(rate);
        }
      }
    }
    progress.done("done");
    return new JsonObject().put("scenario", "scale").put("type", TYPE).put("input", INPUT).put("runsPerBatch", runs)
        .put("oneInstanceRunsPerSec", Summary.of(one).toJson()).put("twoInstancesRunsPerSec", Summary.of(two).toJson())
        .put("ratio", Summary.ratios(two, one).toJson());
  }
}
