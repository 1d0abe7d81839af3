package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.ApiClient;
import dev.taskmesh.support.InProcessApp;
import io.vertx.core.json.JsonObject;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission control on memory in a real system: with the ceiling at 1% of the heap and a
 * collection that leaves more in use, launches get a 503 problem with Retry-After, while reads go on;
 * the gateway's guard says so, or, for a store in a process without it, the store's own.
 */
class HeapGuardIT {

  @Test
  void launchesAreRefusedWhileACollectionLeavesTheHeapAboveTheCeilingAndReadsGoOn() throws Exception {
    refusesLaunchesAndReadsGoOn(Map.of("LAUNCH_HEAP_CEILING_PERCENT", "1", "RATE_LIMIT_PER_MINUTE", "0"), "The system is short of memory");
  }

  /** The gateway's guard off: what an infra-only process's store does when its heap fills. */
  @Test
  void theEmbeddedStoreRefusesNewRunsWhileItsOwnHeapIsAboveItsCeiling() throws Exception {
    refusesLaunchesAndReadsGoOn(Map.of("LAUNCH_HEAP_CEILING_PERCENT", "0", "MONGO_EMBEDDED_HEAP_CEILING_PERCENT", "1",
        "RATE_LIMIT_PER_MINUTE", "0"), "The embedded store's process is short of memory");
  }

  private void refusesLaunchesAndReadsGoOn(Map<String, String> settings, String saying) throws Exception {
    try (InProcessApp app = InProcessApp.start(settings)) {
      ApiClient api = new ApiClient(app.port());
      String admin = api.login(InProcessApp.ADMIN_EMAIL, InProcessApp.ADMIN_PASSWORD);
      ApiClient.Response task = api.post("/api/tasks", admin, new JsonObject().put("title", "heap").put("type", "sleep").put("input", new JsonObject()));
      assertThat(task.status()).as(task.toString()).isEqualTo(201);
      String launchPath = "/api/tasks/" + task.json().getString("id") + "/runs";

      // Held across a collection: 2% of the maximum heap stays in use whatever else this JVM holds.
      byte[] ballast = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 50)];
      ApiClient.Response refused = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) { // the collection's notification arrives on another thread
        System.gc();
        refused = api.post(launchPath, admin, null);
        if (refused.status() == 503) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().getString("detail")).contains(saying, "ceiling is 1%");
      assertThat(refused.body()).doesNotContain("Exception");

      ApiClient.Response batch = api.post(launchPath + "/batch", admin, new JsonObject().put("count", 5));
      assertThat(batch.status()).as(batch.toString()).isEqualTo(503);
      ApiClient.Response list = api.get("/api/runs?size=5", admin);
      assertThat(list.status()).as("reads go on").isEqualTo(200);
      assertThat(list.json().getLong("total")).as("nothing was accepted").isZero();
      Reference.reachabilityFence(ballast);
    }
  }
}
