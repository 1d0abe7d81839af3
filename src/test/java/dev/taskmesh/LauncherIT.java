package dev.taskmesh;

import static org.assertj.core.api.Assertions.assertThat;

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
    Map<String, String> env = Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", Integer.toString(port), "API_INSTANCES", "1");
    Http http = new Http(port);
    String runId;

    try (AppProcess app = AppProcess.start(dir, env)) {
      long started = System.nanoTime();
      app.awaitReady(Duration.ofSeconds(60));
      System.out.printf("first start ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
      assertThat(app.stdout()).containsPattern("Admin\\s+admin@taskmesh.local / \\S{12,}\\s+<- generated");

      HttpResponse<String> ready = http.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(ready.body()).getString("status")).isEqualTo("UP");

      HttpResponse<String> accepted = http.postJson("/api/runs", new JsonObject().put("type", "primes").put("input", new JsonObject().put("n", 1000)));
      assertThat(accepted.statusCode()).isEqualTo(202);
      runId = new JsonObject(accepted.body()).getString("id");
      assertThat(accepted.headers().firstValue("Location")).contains("/api/runs/" + runId);

      JsonObject done = http.awaitJson("/api/runs/" + runId, run -> "COMPLETED".equals(run.getString("status")), Duration.ofSeconds(30));
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
      JsonObject found = new JsonObject(http.get("/api/runs/" + runId).body());
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
