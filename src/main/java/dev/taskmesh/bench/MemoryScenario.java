package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** RSS of the all-in-one process idle, and its peak while a full-speed pipeline batch runs. */
public final class MemoryScenario {

  private MemoryScenario() {}

  public static JsonObject run(BenchOptions options, SystemUnderTest sut, Vertx vertx) throws Exception {
    if (sut.rssMb().isEmpty()) {
      return new JsonObject().put("scenario", "memory").put("skipped", "RSS is only known for a system the harness started (no --url)");
    }
    Progress progress = new Progress("memory");
    long idleSeconds = options.seconds() >= 5 ? 15 : 2; // a smoke run (--quick) does not wait for a settled heap
    progress.show("idle for " + idleSeconds + " s");
    Thread.sleep(idleSeconds * 1_000);
    long idle = sut.rssMb().getAsLong();
    AtomicLong peak = new AtomicLong(idle);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> sut.rssMb().ifPresent(rss -> peak.accumulateAndGet(rss, Math::max)), 0, 250, TimeUnit.MILLISECONDS);
    try (LoadGenerator load = new LoadGenerator(vertx, sut.baseUrl(), options.connections())) {
      ApiClient api = new ApiClient(sut.baseUrl()).login(options.email(), options.password());
      RunBatch.run(api, load, null, "sleep", new JsonObject(), options.runs(), RunBatch.Launching.closed(options.connections(), 1), progress);
    } finally {
      sampler.shutdownNow();
    }
    progress.done("done");
    return new JsonObject().put("scenario", "memory").put("idleRssMb", idle).put("peakRssUnderLoadMb", peak.get())
        .put("loadRuns", options.runs());
  }
}
