package dev.taskmesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.ApiClient;
import dev.taskmesh.support.AppProcess;
import dev.taskmesh.support.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, for real: the jar on the embedded default, a run end to end, stop, restart. */
class LauncherIT {

  @TempDir Path dir;

  @Test
  void runsEndToEndStopsCleanlyAndFindsEverythingAfterRestart() throws Exception {
    int port = AppProcess.freePort();
    Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", Integer.toString(port), "API_INSTANCES", "1",
        "ADMIN_PASSWORD", "launcher-it-admin");
    Http http = new Http(port);
    ApiClient api = new ApiClient(port);
    String runId;
    String token;

    try (AppProcess app = AppProcess.start(dir, env)) {
      long started = System.nanoTime();
      app.awaitReady(Duration.ofSeconds(60));
      System.out.printf("first start ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(app.stdout()).contains("admin@taskmesh.local (created from ADMIN_EMAIL / ADMIN_PASSWORD)");

      HttpResponse<String> ready = http.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("UP");

      token = api.login("admin@taskmesh.local", "launcher-it-admin");
      ApiClient.Response task = api.post("/api/tasks", token, new JsonObject().put("title", "count primes").put("type", "primes")
          .put("input", new JsonObject().put("n", 1000)));
      assertThat(task.status()).isEqualTo(201);
      ApiClient.Response accepted = api.post("/api/tasks/" + task.json().getString("id") + "/runs", token, null);
      assertThat(accepted.status()).isEqualTo(202);
      runId = accepted.json().getString("id");
      assertThat(accepted.header("Location")).isEqualTo("/api/runs/" + runId);

      JsonObject done = api.await("/api/runs/" + runId, token, run -> "COMPLETED".equals(run.getString("status")), Duration.ofSeconds(30));
      assertThat(done.getJsonObject("result").getInteger("primes")).isEqualTo(168);
      assertThat(done.getString("startedAt")).isNotNull();
      assertThat(done.getString("finishedAt")).isNotNull();

      long stopping = System.nanoTime();
      assertThat(app.terminate(Duration.ofSeconds(10))).isZero();
      System.out.printf("SIGTERM to exit: %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
      assertThat(app.stderr()).doesNotContain("Exception");
      assertThat(app.stdout()).doesNotContain("\"log.level\":\"ERROR\"");
    }

    try (AppProcess again = AppProcess.start(dir, env)) {
      again.awaitReady(Duration.ofSeconds(60));
      assertThat(again.stdout()).doesNotContain("<- generated");
      // The generated signing secret stayed in the data dir: the token from before the restart still works.
      JsonObject found = api.get("/api/runs/" + runId, token).json();
      assertThat(found.getString("status")).isEqualTo("COMPLETED");
      assertThat(committedOffsets(again.kafkaBootstrapServers(), "taskmesh-workers")).isGreaterThanOrEqualTo(1);
      assertThat(committedOffsets(again.kafkaBootstrapServers(), "taskmesh-updater")).isGreaterThanOrEqualTo(1);
      assertThat(again.terminate(Duration.ofSeconds(10))).isZero();
    }
  }

  private static long committedOffsets(String bootstrap, String group) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }
}
