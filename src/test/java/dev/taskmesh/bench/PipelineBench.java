package dev.taskmesh.bench;

import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.support.PipelineFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bounded end-to-end benchmark: launches N runs of one type through RunService (as the gateway
 * does) on an in-process application on the embedded default (memory store), waits until all are
 * terminal in the store, and prints runs/s and the accepted → COMPLETED latency percentiles (from
 * the stored createdAt and finishedAt). Usage (see docs/benchmarks.md):
 * {@code PipelineBench <type> <inputJson> <runs> <workerInstances>}
 */
public final class PipelineBench {

  public static void main(String[] args) throws Exception {
    String type = args.length > 0 ? args[0] : "sleep";
    JsonObject input = new JsonObject(args.length > 1 ? args[1] : "{}");
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
    String workers = args.length > 3 ? args[3] : "1";
    try (PipelineFixture fixture = PipelineFixture.start(Map.of("WORKER_INSTANCES", workers, "LOG_LEVEL", "WARN"))) {
      // Warm-up: class loading, JIT, consumer group joins.
      launchAndWait(fixture, "warmup", type, input, Math.min(500, runs));
      long started = System.nanoTime();
      launchAndWait(fixture, "bench", type, input, runs);
      double seconds = (System.nanoTime() - started) / 1e9;
      List<JsonObject> docs = fixture.mongo().find(RunRepository.COLLECTION, new JsonObject().put("taskId", "bench")).await();
      long[] latencies = docs.stream()
          .mapToLong(d -> dev.taskmesh.run.MongoDates.fromDocument(d.getValue("finishedAt")).toEpochMilli()
              - dev.taskmesh.run.MongoDates.fromDocument(d.getValue("createdAt")).toEpochMilli())
          .sorted().toArray();
      long completed = docs.stream().filter(d -> "COMPLETED".equals(d.getString("status"))).count();
      System.out.printf("RESULT type=%s input=%s runs=%d workers=%s completed=%d seconds=%.2f runs_per_s=%.0f p50_ms=%d p99_ms=%d max_ms=%d%n",
          type, input.encode(), runs, workers, completed, seconds, runs / seconds,
          latencies[latencies.length / 2], latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)],
          latencies[latencies.length - 1]);
    }
    System.exit(0);
  }

  private static void launchAndWait(PipelineFixture fixture, String tag, String type, JsonObject input, int runs) throws Exception {
    // Launch in windows so the accepted → completed latency reflects the pipeline, not a launch backlog of N.
    long t0 = System.nanoTime();
    int window = 2_000;
    for (int sent = 0; sent < runs; sent += window) {
      int n = Math.min(window, runs - sent);
      fixture.launchMany(tag, type, input, n);
    }
    System.out.printf("accepted %d %s runs in %d ms%n", runs, tag, (System.nanoTime() - t0) / 1_000_000);
    long deadline = System.currentTimeMillis() + 300_000;
    JsonObject pending = new JsonObject().put("taskId", tag).put("final", false);
    while (fixture.mongo().count(RunRepository.COLLECTION, pending).await() > 0) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("runs not terminal within 5 minutes");
      }
      Thread.sleep(100);
    }
  }
}
