package dev.taskmesh.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.EmbeddedMongo;
import dev.taskmesh.infra.store.StoreBackends;
import dev.taskmesh.run.Run;
import dev.taskmesh.support.ApiClient;
import dev.taskmesh.support.AppProcess;
import dev.taskmesh.support.Awaits;
import dev.taskmesh.support.Ledger;
import dev.taskmesh.support.PipelineFixture;
import dev.taskmesh.support.TempDirs;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store goes away under load and comes back on the same address with its data (the H2 backend
 * in a temp dir): every accepted run reaches exactly one terminal state. Nothing is committed
 * before its write is acknowledged, or a run would stay non-terminal (the stuck-run rule is far
 * away at its default of 10 minutes, so it cannot hide a lost event here). Meanwhile the API
 * answers what needs the store with a 503 the client can retry, not a 500.
 */
@Timeout(180)
class StoreOutageIT {

  @Test
  void everyRunEndsTerminalOnceAfterTheStoreWasDownUnderLoad() throws Exception {
    Path storeDir = Files.createTempDirectory("taskmesh-store");
    int port = AppProcess.freePort();
    EmbeddedMongo store = EmbeddedMongo.start(storeDir, "127.0.0.1", port, false, StoreBackends.H2Tuning.DEFAULTS);
    String tag = "store-outage";
    try (PipelineFixture fixture = PipelineFixture.start(Map.of(
        "MONGO_URI", store.connectionString(),
        "MONGO_CONNECT_TIMEOUT_MS", "1000",
        "WORKER_CONCURRENCY", "8"))) {
      List<Run> runs = fixture.launchMany(tag, "sleep", new JsonObject().put("millis", 100), 300);
      Awaits.until(() -> fixture.ledger().executions(runs.get(0).id()) > 0 || runs.stream().anyMatch(r -> fixture.ledger().executions(r.id()) > 0),
          30_000, "runs executing");

      ApiClient api = new ApiClient(fixture.config().http().port());
      String admin = api.login(fixture.config().auth().adminEmail(), PipelineFixture.ADMIN_PASSWORD);

      store.close(); // under load: workers keep executing, the updater's writes fail and are redelivered
      long outageStarted = System.nanoTime();
      ApiClient.Response list = api.get("/api/tasks", admin);
      Thread.sleep(Math.max(0, 4_000 - (System.nanoTime() - outageStarted) / 1_000_000));
      long executedDuringOutage = runs.stream().filter(r -> fixture.ledger().executions(r.id()) > 0).count();
      store = EmbeddedMongo.start(storeDir, "127.0.0.1", port, false, StoreBackends.H2Tuning.DEFAULTS);

      Ledger.Report report = fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(90));
      assertThat(report.byStatus()).containsOnlyKeys("COMPLETED");
      assertThat(report.runs()).isEqualTo(300);
      assertThat(executedDuringOutage).as("the workers kept executing while the store was down").isGreaterThan(0);
      assertThat(list.status()).as("a list while the store is down: %s", list).isEqualTo(503);
      assertThat(list.header("Retry-After")).isEqualTo("2");
      assertThat(list.json().getString("detail")).contains("The store did not answer in time");
    } finally {
      store.close();
      TempDirs.deleteQuietly(storeDir);
    }
  }
}
