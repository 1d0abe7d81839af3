package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Runs through the whole pipeline: launched over HTTP, completed in the store. Throughput is runs
 * completed per second over the batch (first accepted → last finished); latency is each run's
 * {@code finishedAt − createdAt} as stored. Kafka's own end-to-end latency on the same broker,
 * measured between the batches, is the floor.
 */
public final class PipelineScenario {

  /** One batch of runs of one task through the pipeline. */
  public record Batch(int runs, double runsPerSecond, Latency latency, long failedLaunches, OptionalDouble workCpuMsPerRun) {
    public JsonObject toJson() {
      return new JsonObject().put("runs", runs).put("runsPerSec", runsPerSecond).put("failedLaunches", failedLaunches)
          .put("latency", latency.toJson()).put("workCpuMsPerRun", workCpuMsPerRun.isPresent() ? workCpuMsPerRun.getAsDouble() : null);
    }
  }

  private PipelineScenario() {}

  public static JsonObject run(BenchOptions options, SystemUnderTest sut, Vertx vertx) throws Exception {
    Progress progress = new Progress("pipeline");
    ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
    String kafka = options.kafka().orElse(sut.kafkaBootstrap());
    try (LoadGenerator load = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
      warmUp(api, load, sut, "sleep", new JsonObject(), Math.max(100, options.runs() / 10), options, progress);

      List<Double> fullSpeed = new ArrayList<>();
      List<Double> cpuPerRun = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      List<Double> kafkaP99 = new ArrayList<>();
      JsonArray batches = new JsonArray();
      for (int pair = 1; pair <= options.pairs(); pair++) {
        if (kafka != null) {
          progress.show("pair " + pair + "/" + options.pairs() + ": Kafka EndToEndLatency");
          KafkaFloor.EndToEnd floor = KafkaFloor.endToEnd(kafka, options.runs() >= 10_000 ? 10_000 : 1_000);
          kafkaP99.add(floor.p99Ms());
          batches.add(new JsonObject().put("pair", pair).put("kafkaEndToEnd", floor.toJson()));
        }
        Batch batch = runBatch(api, load, sut, "sleep", new JsonObject(), options.runs(), options.connections(), 0, progress);
        fullSpeed.add(batch.runsPerSecond());
        batch.workCpuMsPerRun().ifPresent(cpuPerRun::add);
        batches.add(new JsonObject().put("pair", pair).put("fullSpeed", batch.toJson()));
      }
      Summary max = Summary.of(fullSpeed);
      List<Double> rates = options.rates().isEmpty() ? List.of(Math.max(1, max.median() / 2)) : options.rates();
      JsonArray fixed = new JsonArray();
      for (double rate : rates) {
        List<Double> ratePairs = new ArrayList<>();
        for (int pair = 1; pair <= options.pairs(); pair++) {
          int runs = (int) Math.max(10, Math.min(options.runs(), rate * options.seconds()));
          Batch batch = runBatch(api, load, "sleep", new JsonObject(), runs, 0, rate, progress);
          ratePairs.add(batch.latency().p99());
          if (rate == rates.get(0)) {
            p99.add(batch.latency().p99());
          }
          fixed.add(new JsonObject().put("pair", pair).put("ratePerSec", rate).put("batch", batch.toJson()));
        }
      }
      String producer = null;
      if (kafka != null) {
        progress.show("Kafka ProducerPerformance");
        producer = String.format("%.0f", KafkaFloor.producerRecordsPerSecond(kafka, options.runs() >= 10_000 ? 500_000 : 20_000));
      }
      progress.done("done");
      JsonObject report = new JsonObject().put("scenario", "pipeline").put("runsPerBatch", options.runs())
          .put("fullSpeedRunsPerSec", max.toJson()).put("batches", batches).put("fixedRate", fixed)
          .put("workCpuMsPerRun", cpuPerRun.isEmpty() ? null : Summary.of(cpuPerRun).toJson())
          .put("p99AtHalfMaxMs", Summary.of(p99).toJson())
          .put("kafkaProducerRecordsPerSec", producer == null ? null : Double.parseDouble(producer));
      if (!kafkaP99.isEmpty()) {
        report.put("kafkaEndToEndP99Ms", Summary.of(kafkaP99).toJson())
            .put("p99RatioToKafka", Summary.ratios(p99.subList(0, Math.min(p99.size(), kafkaP99.size())),
                kafkaP99.subList(0, Math.min(p99.size(), kafkaP99.size()))).toJson());
      }
      return report;
    }
  }

  /**
   * Runs warm-up batches until at least {@code --warmup} seconds have passed and the system is warm
   * (at most {@code --warmup-batches}). A freshly started system spends its first minutes
   * in the JIT: the C2 compiler alone takes a quarter to half of a core, which on a 2-core machine
   * hides exactly what the scale scenario measures. Warm means: when the harness started the system,
   * its compiler threads used under {@value #QUIET_COMPILER_SHARE} of a core during the last batch;
   * otherwise, two consecutive batches agree within 5%.
   */
  static void warmUp(ApiClient api, LoadGenerator load, SystemUnderTest sut, String type, JsonObject input, int runs,
      BenchOptions options, Progress progress) throws Exception {
    long minimumEnd = System.nanoTime() + (long) (options.warmupSeconds() * 1e9);
    double previous = 0;
    for (int batch = 1; batch <= options.warmupBatches(); batch++) {
      OptionalDouble compilerBefore = sut.compilerCpuSeconds();
      long started = System.nanoTime();
      double rate = runBatch(api, load, type, input, runs, options.connections(), 0, progress).runsPerSecond();
      double seconds = (System.nanoTime() - started) / 1e9;
      OptionalDouble compilerAfter = sut.compilerCpuSeconds();
      boolean warm;
      if (compilerBefore.isPresent() && compilerAfter.isPresent()) {
        double share = (compilerAfter.getAsDouble() - compilerBefore.getAsDouble()) / seconds;
        progress.show(String.format("warm-up batch %d: %.1f runs/s, JIT compiler %.0f%% of a core", batch, rate, share * 100));
        warm = share < QUIET_COMPILER_SHARE;
      } else {
        progress.show(String.format("warm-up batch %d: %.1f runs/s", batch, rate));
        warm = previous > 0 && Math.abs(rate - previous) <= 0.05 * previous;
      }
      if (warm && System.nanoTime() >= minimumEnd) {
        return;
      }
      previous = rate;
    }
  }

  static final double QUIET_COMPILER_SHARE = 0.10;

  /**
   * Launches {@code runs} runs of a new task (closed loop with {@code concurrency}, or open loop at
   * {@code rate} when concurrency is 0), waits until all are terminal, and reads their timestamps.
   */
  public static Batch runBatch(ApiClient api, LoadGenerator load, String type, JsonObject input, int runs, int concurrency, double rate,
      Progress progress) throws Exception {
    return runBatch(api, load, null, type, input, runs, concurrency, rate, progress);
  }

  /**
   * With {@code sut} (a system this harness started), also the CPU the system spent per run outside
   * its JIT compiler, from the first launch until the harness saw the last run end (so it includes
   * the harness's polling and up to a second of idle: an upper bound, comparable between builds),
   * before the harness reads the runs back for their timestamps.
   */
  public static Batch runBatch(ApiClient api, LoadGenerator load, SystemUnderTest sut, String type, JsonObject input, int runs,
      int concurrency, double rate, Progress progress) throws Exception {
    OptionalDouble cpuBefore = sut == null ? OptionalDouble.empty() : sut.workCpuSeconds();
    String taskId = api.createTask("bench " + type + " " + Instant.now(), type, input);
    LoadGenerator.Request launch = new LoadGenerator.Request(HttpMethod.POST, "/api/tasks/" + taskId + "/runs", api.authHeaders(),
        Buffer.buffer("{}"), 202, body -> { });
    progress.show(type + ": launching " + runs + (concurrency > 0 ? " at full speed" : String.format(" at %.0f/s", rate)));
    LoadResult launched = concurrency > 0
        ? load.closedLoop("launch", launch, concurrency, 3_600, runs)
        : load.openLoop("launch", launch, rate, runs / rate);
    long accepted = launched.ok();
    long deadline = System.nanoTime() + 600_000_000_000L;
    long done = 0;
    while (System.nanoTime() < deadline) {
      done = api.countRuns(taskId, "COMPLETED") + api.countRuns(taskId, "DEAD") + api.countRuns(taskId, "CANCELLED");
      progress.show(type + ": " + done + "/" + accepted + " runs terminal");
      if (done >= accepted) {
        break;
      }
      // Each count is a query on the system being measured (a scan, on the embedded store): poll
      // gently. Rates and latencies come from the stored timestamps, not from when polling noticed.
      Thread.sleep(1_000);
    }
    if (done < accepted) {
      throw new IllegalStateException("only " + done + " of " + accepted + " runs finished within 10 minutes");
    }
    OptionalDouble cpuAfter = sut == null ? OptionalDouble.empty() : sut.workCpuSeconds(); // before reading the runs back
    Latency latency = new Latency();
    Instant first = Instant.MAX;
    Instant last = Instant.MIN;
    for (JsonObject run : api.listRuns(taskId)) {
      Instant created = Instant.parse(run.getString("createdAt"));
      Instant finished = Instant.parse(run.getString("finishedAt"));
      latency.recordNanos(java.time.Duration.between(created, finished).toNanos());
      first = created.isBefore(first) ? created : first;
      last = finished.isAfter(last) ? finished : last;
    }
    OptionalDouble cpuMsPerRun = cpuBefore.isPresent() && cpuAfter.isPresent() && accepted > 0
        ? OptionalDouble.of((cpuAfter.getAsDouble() - cpuBefore.getAsDouble()) * 1_000 / accepted)
        : OptionalDouble.empty();
    double seconds = Math.max(0.001, java.time.Duration.between(first, last).toNanos() / 1e9);
    return new Batch((int) accepted, accepted / seconds, latency, launched.errors(), cpuMsPerRun);
  }
}
