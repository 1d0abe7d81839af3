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

  /** About 100 ms of CPU a run: the task must dominate the per-run pipeline overhead, which worker instances do not scale. */
  static final int PRIMES_N = 20_000_000;

  private ScaleScenario() {}

  public static JsonObject run(BenchOptions options, Vertx vertx) throws Exception {
    Progress progress = new Progress("scale");
    List<Double> one = new ArrayList<>();
    List<Double> two = new ArrayList<>();
    int runs = Math.max(20, options.runs() / 50);
    for (int pair = 1; pair <= options.pairs(); pair++) {
      for (int instances : new int[] {1, 2}) {
        progress.show("pair " + pair + "/" + options.pairs() + ": starting with " + instances + " worker instance(s)");
        try (SystemUnderTest sut = SystemUnderTest.start(Map.of("WORKER_INSTANCES", Integer.toString(instances)), options.serverCpus().orElse(null));
            LoadGenerator load = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
          ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
          PipelineScenario.runBatch(api, load, "primes", new JsonObject().put("n", PRIMES_N), Math.max(4, runs / 5), options.connections(), 0, progress); // warm-up
          double rate = PipelineScenario.runBatch(api, load, "primes", new JsonObject().put("n", PRIMES_N), runs, options.connections(), 0, progress)
              .runsPerSecond();
          (instances == 1 ? one : two).add(rate);
        }
      }
    }
    progress.done("done");
    return new JsonObject().put("scenario", "scale").put("type", "primes").put("n", PRIMES_N).put("runsPerBatch", runs)
        .put("oneInstanceRunsPerSec", Summary.of(one).toJson()).put("twoInstancesRunsPerSec", Summary.of(two).toJson())
        .put("ratio", Summary.ratios(two, one).toJson());
  }
}
