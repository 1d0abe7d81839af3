package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway against a bare Vert.x hello endpoint, in the same run: baseline and candidate phases
 * interleaved (A B A B …), each quoted as the median ratio over the pairs. Saturation uses closed
 * loops (req/s); latency is quoted from open loops at 50% of each endpoint's own maximum.
 *
 * <p>The store first gets {@code --runs} finished runs, so the filtered list always reads a store of
 * a known size. Each endpoint is warmed up on its own right before its pairs, until the system's
 * JIT compiler is quiet ({@link WarmUpRounds}): a launch exercises far more code (store, broker,
 * pipeline) than a read and needs minutes, not the seconds a read needs.
 *
 * <p>With {@code --gateway-only} the system has no workers: the launches are the gateway's own
 * work (token, task, insert, publish), with no pipeline processing them on the same cores.
 */
public final class HttpScenario {

  /** The endpoints the goals name ({@link Goals}), as they appear in the report. */
  static final String GET_RUN = "GET /api/runs/{id}";
  static final String LAUNCH = "POST /api/tasks/{id}/runs";

  private HttpScenario() {}

  public static JsonObject run(BenchOptions options, SystemUnderTest sut, Vertx vertx) throws Exception {
    Progress progress = new Progress("http");
    ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
    String taskId = api.createTask("bench http", "sleep", new JsonObject());
    String runId = api.launch(taskId);
    Map<String, String> auth = api.authHeaders();

    int helloPort = SystemUnderTest.freePort();
    List<String> command = new ArrayList<>();
    options.serverCpus().ifPresent(cpus -> command.addAll(List.of("taskset", "-c", cpus)));
    command.addAll(List.of(SystemUnderTest.javaBinary(), "-cp", SystemUnderTest.ownJar(), HelloServer.class.getName(), Integer.toString(helloPort), "2"));
    Process hello = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (LoadGenerator helloLoad = new LoadGenerator(vertx, "http://127.0.0.1:" + helloPort, options.connections());
        LoadGenerator apiLoad = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
      awaitHello(helloLoad);
      progress.show("filling the store with " + options.runs() + " runs");
      if (options.gatewayOnly()) {
        fillWithoutWorkers(apiLoad, taskId, auth, options);
      } else {
        RunBatch.run(api, apiLoad, null, "sleep", new JsonObject(), options.runs(),
            RunBatch.Launching.closed(PipelineScenario.BATCH_CONCURRENCY, options.launchBatch()), progress);
      }
      // Without workers the runs stop at PENDING (published, never taken).
      String listed = "/api/runs?status=" + (options.gatewayOnly() ? "PENDING" : "COMPLETED") + "&size=20";
      Map<String, LoadGenerator.Request> candidates = new LinkedHashMap<>();
      candidates.put(GET_RUN, LoadGenerator.Request.get("/api/runs/" + runId, auth));
      candidates.put("GET " + listed, LoadGenerator.Request.get(listed, auth));
      candidates.put(LAUNCH, new LoadGenerator.Request(HttpMethod.POST, "/api/tasks/" + taskId + "/runs", auth,
          Buffer.buffer("{}"), 202, body -> { }));
      LoadGenerator.Request baseline = LoadGenerator.Request.get("/hello", Map.of());

      warmUp(WarmUpRounds.byRatesAlone(), helloLoad, "hello", baseline, Math.min(MAX_HELLO_WARMUP_ROUNDS, options.warmupBatches()),
          options, progress);

      JsonArray results = new JsonArray();
      Map<String, Double> helloMax = new LinkedHashMap<>();
      for (var candidate : candidates.entrySet()) {
        awaitIdle(api, options, progress);
        int warmUpRounds = warmUp(new WarmUpRounds(sut), apiLoad, candidate.getKey(), candidate.getValue(), options.warmupBatches(),
            options, progress);
        List<Double> base = new ArrayList<>();
        List<Double> cand = new ArrayList<>();
        List<Double> candP50 = new ArrayList<>();
        for (int pair = 1; pair <= options.pairs(); pair++) {
          awaitIdle(api, options, progress);
          progress.show(candidate.getKey() + ": pair " + pair + "/" + options.pairs() + " baseline");
          base.add(helloLoad.closedLoop("hello", baseline, options.connections(), options.seconds(), Long.MAX_VALUE).perSecond());
          progress.show(candidate.getKey() + ": pair " + pair + "/" + options.pairs() + " candidate");
          LoadResult measured = apiLoad.closedLoop(candidate.getKey(), candidate.getValue(), options.connections(), options.seconds(), Long.MAX_VALUE);
          cand.add(measured.perSecond());
          candP50.add(measured.latency().p50());
        }
        Summary candidateRate = Summary.of(cand);
        helloMax.put(candidate.getKey(), Summary.of(base).median());
        awaitIdle(api, options, progress);
        progress.show(candidate.getKey() + ": open loop at 50% of its maximum");
        double rate = Math.max(1, candidateRate.median() / 2);
        LoadResult open = apiLoad.openLoop(candidate.getKey(), candidate.getValue(), rate, options.seconds());
        results.add(new JsonObject()
            .put("endpoint", candidate.getKey())
            .put("warmUpRounds", warmUpRounds)
            .put("baselineReqPerSec", Summary.of(base).toJson())
            .put("reqPerSec", candidateRate.toJson())
            .put("ratioToBaseline", Summary.ratios(cand, base).toJson())
            .put("saturatedP50Ms", Summary.of(candP50).toJson())
            .put("openLoop", new JsonObject().put("ratePerSec", rate).put("errors", open.errors()).put("latency", open.latency().toJson())));
      }
      double baselineMax = Summary.of(new ArrayList<>(helloMax.values())).median();
      LoadResult helloOpen = helloLoad.openLoop("hello", baseline, baselineMax / 2, options.seconds());
      progress.done("done");
      return new JsonObject().put("scenario", "http").put("pairs", options.pairs()).put("seconds", options.seconds())
          .put("connections", options.connections()).put("storeRuns", options.runs()).put("candidates", results)
          .put("baseline", new JsonObject().put("reqPerSec", baselineMax)
              .put("openLoop", new JsonObject().put("ratePerSec", baselineMax / 2).put("latency", helloOpen.latency().toJson())));
    } finally {
      hello.destroy();
    }
  }

  /** Between phases the pipeline drains what they launched; without workers nothing drains. */
  private static void awaitIdle(ApiClient api, BenchOptions options, Progress progress) throws Exception {
    if (!options.gatewayOnly()) {
      api.awaitIdle(IDLE_WAIT_SECONDS, progress);
    }
  }

  /** {@code --runs} runs launched in batches from a closed loop; they stay PENDING, so nothing waits for them. */
  private static void fillWithoutWorkers(LoadGenerator load, String taskId, Map<String, String> auth, BenchOptions options) {
    int perRequest = Math.min(options.launchBatch(), options.runs());
    LoadGenerator.Request batch = new LoadGenerator.Request(HttpMethod.POST, "/api/tasks/" + taskId + "/runs/batch", auth,
        new JsonObject().put("count", perRequest).toBuffer(), 202, body -> { });
    long requests = (options.runs() + perRequest - 1) / perRequest;
    LoadResult filled = load.closedLoop("fill", batch, PipelineScenario.BATCH_CONCURRENCY, 3_600, requests);
    if (filled.errors() > 0) {
      throw new IllegalStateException(filled.errors() + " of " + requests + " batch launches failed while filling the store");
    }
  }

  /**
   * Rounds of one endpoint, {@code --warmup} seconds each, until {@code rounds} says it is warm, at
   * most {@code most} rounds (a launch took 12–18 rounds of 5 s on this 2-core machine). Returns how
   * many rounds it took.
   */
  private static int warmUp(WarmUpRounds rounds, LoadGenerator load, String endpoint, LoadGenerator.Request request, int most,
      BenchOptions options, Progress progress) {
    for (int round = 1; round <= most; round++) {
      progress.show(endpoint + ": warm-up round " + round + "/" + most);
      rounds.roundStarts();
      double rate = load.closedLoop("warmup", request, options.connections(), options.warmupSeconds(), Long.MAX_VALUE).perSecond();
      WarmUpRounds.Round outcome = rounds.roundEnds(Map.of(endpoint, rate));
      progress.show(endpoint + ": warm-up round " + round + ": " + outcome.description());
      if (outcome.warm()) {
        return round;
      }
    }
    return most;
  }

  /**
   * The hello server is another process, whose compiler the harness cannot see: it is warm when two
   * rounds agree within 5%, at most this many rounds (on a busy spell it was still climbing at round
   * 6: 4,000 → 58,700 req/s).
   */
  private static final int MAX_HELLO_WARMUP_ROUNDS = 10;

  /** Launches of a warm-up or of the launch phase keep the pipeline busy for a while after it. */
  private static final int IDLE_WAIT_SECONDS = 300;

  private static void awaitHello(LoadGenerator hello) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (hello.closedLoop("probe", LoadGenerator.Request.get("/hello", Map.of()), 1, 1, 1).ok() == 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("hello server did not start");
  }
}
