package dev.taskmesh.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One batch of runs of a new task through the whole pipeline: launched over HTTP, then waited for
 * until every run is terminal in the store. Its rate is runs per second from the first accepted to
 * the last finished; its latency is each run's {@code finishedAt − createdAt}, both as stored.
 * That latency is also split in two stages, so a tail can be placed: {@code queued} (accepted by the
 * gateway → the worker started it: the store insert, the outbox relay, Kafka, the worker's poll and
 * its state check) and {@code executing} (started → finished: the task and the outcome's send).
 */
public final class RunBatch {

  /**
   * How the runs are launched: a closed loop keeping {@code concurrency} requests in flight, or an
   * open loop sending {@code ratePerSecond} runs a second; {@code perRequest} runs per request
   * (1: {@code POST /api/tasks/{id}/runs}, more: {@code POST /api/tasks/{id}/runs/batch}).
   */
  public record Launching(int concurrency, double ratePerSecond, int perRequest) {

    /**
     * An open loop launches up to {@code --rate-batch} runs per request (or {@code --launch-batch}
     * for the burst measurement), but at least this many requests a second, so a low rate is not a
     * few large bursts.
     */
    static final int MIN_BATCH_REQUESTS_PER_SECOND = 20;

    public static Launching closed(int concurrency, int perRequest) {
      return new Launching(concurrency, 0, perRequest);
    }

    /** Up to {@code maxPerRequest} runs per request, and at least {@value #MIN_BATCH_REQUESTS_PER_SECOND} requests a second. */
    public static Launching open(double ratePerSecond, int maxPerRequest) {
      int perRequest = (int) Math.max(1, Math.min(maxPerRequest, Math.floor(ratePerSecond / MIN_BATCH_REQUESTS_PER_SECOND)));
      return new Launching(0, ratePerSecond, perRequest);
    }

    String describe() {
      String how = perRequest == 1 ? "one per request" : perRequest + " per request";
      return concurrency > 0 ? "at full speed, " + how : String.format("at %.0f/s, %s", ratePerSecond, how);
    }
  }

  /** What one batch measured. */
  public record Result(int runs, int perRequest, double runsPerSecond, Latency latency, Latency queued, Latency executing,
      long failedLaunches, OptionalDouble workCpuMsPerRun, Instant firstCreated, Instant lastFinished) {
    public JsonObject toJson() {
      // The wall-clock span, as stored: to find a batch in the system's GC log or a JFR recording.
      return new JsonObject().put("runs", runs).put("runsPerRequest", perRequest).put("runsPerSec", runsPerSecond)
          .put("firstCreatedAt", firstCreated.toString()).put("lastFinishedAt", lastFinished.toString())
          .put("failedLaunches", failedLaunches).put("latency", latency.toJson())
          .put("stages", new JsonObject().put("queued", queued.toJson()).put("executing", executing.toJson()))
          .put("workCpuMsPerRun", workCpuMsPerRun.isPresent() ? workCpuMsPerRun.getAsDouble() : null);
    }
  }

  private RunBatch() {}

  /**
   * Launches about {@code runs} runs (rounded up to whole requests). With {@code sut} (a system this
   * harness started), also the CPU the system spent per run outside its JIT compiler, from the first
   * launch until the harness saw the last run end (so it includes the harness's polling and up to a
   * second of idle: an upper bound, comparable between builds), before the runs are read back.
   */
  public static Result run(ApiClient api, LoadGenerator load, SystemUnderTest sut, String type, JsonObject input, int runs,
      Launching launching, Progress progress) throws Exception {
    OptionalDouble cpuBefore = sut == null ? OptionalDouble.empty() : sut.workCpuSeconds();
    String taskId = api.createTask("bench " + type + " " + Instant.now(), type, input);
    int perRequest = launching.perRequest();
    AtomicLong accepted = new AtomicLong();
    LoadGenerator.Request launch = perRequest == 1
        ? new LoadGenerator.Request(HttpMethod.POST, "/api/tasks/" + taskId + "/runs", api.authHeaders(), Buffer.buffer("{}"), 202,
            body -> accepted.incrementAndGet())
        : new LoadGenerator.Request(HttpMethod.POST, "/api/tasks/" + taskId + "/runs/batch", api.authHeaders(),
            new JsonObject().put("count", perRequest).toBuffer(), 202, body -> accepted.addAndGet(new JsonObject(body).getInteger("accepted")));
    long requests = (runs + perRequest - 1) / perRequest;
    progress.show(type + ": launching " + requests * perRequest + " " + launching.describe());
    LoadResult launched = launching.concurrency() > 0
        ? load.closedLoop("launch", launch, launching.concurrency(), 3_600, requests)
        : load.openLoop("launch", launch, launching.ratePerSecond() / perRequest, (requests + 0.5) * perRequest / launching.ratePerSecond());
    long expected = accepted.get();
    long deadline = System.nanoTime() + 600_000_000_000L;
    long done = 0;
    while (System.nanoTime() < deadline) {
      // Polls count the runs not finished yet (small sets, cheap for the store while it is being
      // measured) and only then the finished ones, once, to confirm. Poll gently all the same:
      // rates and latencies come from the stored timestamps, not from when polling noticed.
      long unfinished = api.countUnfinishedRuns(taskId);
      // The unfinished count sums one query per status, so a run moving between two of them may be
      // counted twice: never show fewer than none done.
      done = unfinished == 0 ? api.countFinishedRuns(taskId) : Math.max(0, expected - unfinished);
      progress.show(type + ": " + done + "/" + expected + " runs terminal");
      if (done >= expected) {
        break;
      }
      Thread.sleep(1_000);
    }
    if (done < expected) {
      throw new IllegalStateException("only " + done + " of " + expected + " runs finished within 10 minutes");
    }
    OptionalDouble cpuAfter = sut == null ? OptionalDouble.empty() : sut.workCpuSeconds(); // before reading the runs back
    Latency latency = new Latency();
    Latency queued = new Latency();
    Latency executing = new Latency();
    Instant first = Instant.MAX;
    Instant last = Instant.MIN;
    for (JsonObject run : api.listRuns(taskId)) {
      Instant created = Instant.parse(run.getString("createdAt"));
      Instant finished = Instant.parse(run.getString("finishedAt"));
      latency.recordNanos(Duration.between(created, finished).toNanos());
      String startedAt = run.getString("startedAt");
      if (startedAt != null) { // null only for a run cancelled before it started
        Instant started = Instant.parse(startedAt);
        queued.recordNanos(Duration.between(created, started).toNanos());
        executing.recordNanos(Duration.between(started, finished).toNanos());
      }
      first = created.isBefore(first) ? created : first;
      last = finished.isAfter(last) ? finished : last;
    }
    OptionalDouble cpuMsPerRun = cpuBefore.isPresent() && cpuAfter.isPresent() && expected > 0
        ? OptionalDouble.of((cpuAfter.getAsDouble() - cpuBefore.getAsDouble()) * 1_000 / expected)
        : OptionalDouble.empty();
    double seconds = Math.max(0.001, Duration.between(first, last).toNanos() / 1e9);
    return new Result((int) expected, perRequest, expected / seconds, latency, queued, executing, launched.errors(), cpuMsPerRun, first, last);
  }
}
