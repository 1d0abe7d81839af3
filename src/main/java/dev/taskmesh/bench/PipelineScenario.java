package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * Runs through the whole pipeline ({@link RunBatch}): launched over HTTP, completed in the store.
 * Each pair measures full speed twice, with one run per launch request and with {@code --launch-batch}
 * runs per request, then the fixed rates (default: half of the best full-speed rate) with batch
 * launches spread over time. Kafka's own end-to-end latency on the same broker, measured between
 * the batches, is the floor.
 */
public final class PipelineScenario {

  /** Batch launches in flight at once in the full-speed batched phase (each carries --launch-batch runs). */
  static final int BATCH_CONCURRENCY = 4;

  private PipelineScenario() {}

  public static JsonObject run(BenchOptions options, SystemUnderTest sut, Vertx vertx) throws Exception {
    Progress progress = new Progress("pipeline");
    ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
    String kafka = options.kafka().orElse(sut.kafkaBootstrap());
    try (LoadGenerator load = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
      // Full-size batches: the JIT settles after a number of runs (~200,000 here, 19-23 batches of
      // 10,000), not of batches. With a tenth of --runs each, 30 batches were mostly the harness
      // waiting for its polls, and the measurement began with the compiler still at 30% of a core.
      warmUp(api, load, sut, "sleep", new JsonObject(), Math.max(100, options.runs()), options, measuredKinds(options), progress);

      List<Double> fullSpeed = new ArrayList<>();
      List<Double> batchedSpeed = new ArrayList<>();
      List<Double> cpuPerRun = new ArrayList<>();
      List<Double> batchedCpuPerRun = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      List<Double> queuedP99 = new ArrayList<>();
      List<Double> executingP99 = new ArrayList<>();
      List<Double> kafkaP99 = new ArrayList<>();
      boolean batched = options.launchBatch() > 1;
      JsonArray batches = new JsonArray();
      for (int pair = 1; pair <= options.pairs(); pair++) {
        if (kafka != null) {
          progress.show("pair " + pair + "/" + options.pairs() + ": Kafka EndToEndLatency");
          KafkaFloor.EndToEnd floor = KafkaFloor.endToEnd(kafka, options.runs() >= 10_000 ? 10_000 : 1_000);
          kafkaP99.add(floor.p99Ms());
          batches.add(new JsonObject().put("pair", pair).put("kafkaEndToEnd", floor.toJson()));
        }
        RunBatch.Result single = RunBatch.run(api, load, sut, "sleep", new JsonObject(), options.runs(),
            RunBatch.Launching.closed(options.connections(), 1), progress);
        fullSpeed.add(single.runsPerSecond());
        single.workCpuMsPerRun().ifPresent(cpuPerRun::add);
        batches.add(new JsonObject().put("pair", pair).put("fullSpeed", single.toJson()));
        if (batched) {
          RunBatch.Result many = RunBatch.run(api, load, sut, "sleep", new JsonObject(), options.runs(),
              RunBatch.Launching.closed(BATCH_CONCURRENCY, options.launchBatch()), progress);
          batchedSpeed.add(many.runsPerSecond());
          many.workCpuMsPerRun().ifPresent(batchedCpuPerRun::add);
          batches.add(new JsonObject().put("pair", pair).put("fullSpeedBatched", many.toJson()));
        }
      }
      Summary max = Summary.of(batched ? batchedSpeed : fullSpeed);
      List<Double> rates = options.rates().isEmpty() ? List.of(Math.max(1, max.median() / 2)) : options.rates();
      JsonArray fixed = new JsonArray();
      List<Double> burstP99 = new ArrayList<>();
      boolean bursts = options.launchBatch() > options.rateBatch();
      for (double rate : rates) {
        boolean first = rate == rates.get(0);
        for (int pair = 1; pair <= options.pairs(); pair++) {
          int runs = (int) Math.max(10, Math.min(options.runs(), rate * options.seconds()));
          RunBatch.Result steady = RunBatch.run(api, load, null, "sleep", new JsonObject(), runs,
              RunBatch.Launching.open(rate, options.rateBatch()), progress);
          fixed.add(new JsonObject().put("pair", pair).put("ratePerSec", rate).put("batch", steady.toJson()));
          if (first) {
            p99.add(steady.latency().p99());
            queuedP99.add(steady.queued().p99());
            executingP99.add(steady.executing().p99());
          }
          if (first && bursts) {
            RunBatch.Result burst = RunBatch.run(api, load, null, "sleep", new JsonObject(), runs,
                RunBatch.Launching.open(rate, options.launchBatch()), progress);
            fixed.add(new JsonObject().put("pair", pair).put("ratePerSec", rate).put("burst", true).put("batch", burst.toJson()));
            burstP99.add(burst.latency().p99());
          }
        }
      }
      String producer = null;
      if (kafka != null) {
        progress.show("Kafka ProducerPerformance");
        producer = String.format("%.0f", KafkaFloor.producerRecordsPerSecond(kafka, options.runs() >= 10_000 ? 500_000 : 20_000));
      }
      progress.done("done");
      JsonObject report = new JsonObject().put("scenario", "pipeline").put("runsPerBatch", options.runs())
          .put("launchBatch", options.launchBatch())
          .put("fullSpeedRunsPerSec", Summary.of(fullSpeed).toJson())
          .put("fullSpeedBatchedRunsPerSec", batched ? Summary.of(batchedSpeed).toJson() : null)
          .put("maxRunsPerSec", max.toJson())
          .put("batches", batches).put("fixedRate", fixed)
          .put("workCpuMsPerRun", cpuPerRun.isEmpty() ? null : Summary.of(cpuPerRun).toJson())
          .put("batchedWorkCpuMsPerRun", batchedCpuPerRun.isEmpty() ? null : Summary.of(batchedCpuPerRun).toJson())
          .put("rateBatch", options.rateBatch())
          .put("p99AtHalfMaxMs", Summary.of(p99).toJson())
          .put("stageP99AtHalfMaxMs", new JsonObject().put("queued", Summary.of(queuedP99).toJson())
              .put("executing", Summary.of(executingP99).toJson()))
          .put("burstP99AtHalfMaxMs", burstP99.isEmpty() ? null : Summary.of(burstP99).toJson())
          .put("kafkaProducerRecordsPerSec", producer == null ? null : Double.parseDouble(producer));
      if (!kafkaP99.isEmpty()) {
        report.put("kafkaEndToEndP99Ms", Summary.of(kafkaP99).toJson())
            .put("p99RatioToKafka", ratios(p99, kafkaP99))
            .put("burstP99RatioToKafka", burstP99.isEmpty() ? null : ratios(burstP99, kafkaP99));
      }
      return report;
    }
  }

  /** Pair by pair, as many pairs as both lists have. */
  private static JsonObject ratios(List<Double> pipeline, List<Double> kafka) {
    int pairs = Math.min(pipeline.size(), kafka.size());
    return Summary.ratios(pipeline.subList(0, pairs), kafka.subList(0, pairs)).toJson();
  }

  /**
   * One kind of warm-up batch: how its runs are launched, given the fastest closed-loop rate the
   * warm-up has seen so far (an open loop runs at half of it, as the measured fixed-rate batches do).
   */
  record WarmUpKind(String name, boolean closedLoop, DoubleFunction<RunBatch.Launching> launching) {

    static WarmUpKind closed(String name, int concurrency, int perRequest) {
      return new WarmUpKind(name, true, fastest -> RunBatch.Launching.closed(concurrency, perRequest));
    }

    static WarmUpKind atHalfSpeed(String name, int perRequest) {
      return new WarmUpKind(name, false, fastest -> RunBatch.Launching.open(Math.max(1, fastest / 2), perRequest));
    }
  }

  /**
   * Every way the measurement launches runs: full speed one per request and in batches, then open
   * loops at half that speed, 20 per request and in bursts. A warm-up of full-speed batches alone
   * left the open loops' code paths to the first measured fixed-rate batch: its recordings showed
   * deoptimizations (1–9, Jackson's parser among them) that later batches did not have; with every
   * kind warmed up, 0–1. The occasional stall of that batch remained (1 of 11 runs, against 4 of
   * 11 before; docs/benchmarks.md, twenty-second round).
   */
  static List<WarmUpKind> measuredKinds(BenchOptions options) {
    List<WarmUpKind> kinds = new ArrayList<>();
    kinds.add(WarmUpKind.closed("runs", options.connections(), 1));
    if (options.launchBatch() > 1) {
      kinds.add(WarmUpKind.closed("batched runs", BATCH_CONCURRENCY, options.launchBatch()));
    }
    kinds.add(WarmUpKind.atHalfSpeed("runs at half speed", options.rateBatch()));
    if (options.launchBatch() > options.rateBatch()) {
      kinds.add(WarmUpKind.atHalfSpeed("bursts at half speed", options.launchBatch()));
    }
    return kinds;
  }

  /**
   * Runs warm-up batches, one kind after the other, until every kind ran at least once, at least
   * {@code --warmup} seconds have passed and the system is warm ({@link WarmUpRounds}); at most
   * {@code --warmup-batches}. Each batch is compared with the last batch of its own kind.
   */
  static void warmUp(ApiClient api, LoadGenerator load, SystemUnderTest sut, String type, JsonObject input, int runs,
      BenchOptions options, List<WarmUpKind> kinds, Progress progress) throws Exception {
    long minimumEnd = System.nanoTime() + (long) (options.warmupSeconds() * 1e9);
    WarmUpRounds rounds = new WarmUpRounds(sut);
    double fastest = 0;
    for (int batch = 1; batch <= options.warmupBatches(); batch++) {
      WarmUpKind kind = kinds.get((batch - 1) % kinds.size());
      if (!kind.closedLoop() && fastest <= 0) {
        continue; // an open loop needs a closed-loop rate first
      }
      rounds.roundStarts();
      double rate = RunBatch.run(api, load, null, type, input, runs, kind.launching().apply(fastest), progress).runsPerSecond();
      if (kind.closedLoop()) {
        fastest = Math.max(fastest, rate);
      }
      WarmUpRounds.Round round = rounds.roundEnds(java.util.Map.of(kind.name(), rate));
      progress.show("warm-up batch " + batch + ": " + round.description());
      if (round.warm() && batch >= kinds.size() && System.nanoTime() >= minimumEnd) {
        return;
      }
    }
  }
}
