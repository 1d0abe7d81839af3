package dev.taskmesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.AppProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that cannot work says why in one line and exits non-zero, fast. */
class BadStartIT {

  @TempDir Path dir;

  @Test
  void unknownRoleExitsTwoNamingTheKey() throws Exception {
    try (AppProcess app = AppProcess.start(dir, Map.of("ROLES", "api,bogus", "DATA_DIR", dir.resolve("d").toString()))) {
      assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(app.stderr().strip()).isEqualTo(
          "Invalid configuration: roles (ROLES) = 'bogus': unknown role; expected one of api, worker, updater, infra, or all");
    }
  }

  @Test
  void negativeInstancesExitTwo() throws Exception {
    try (AppProcess app = AppProcess.start(dir, Map.of("WORKER_INSTANCES", "-2"))) {
      assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(app.stderr()).contains("worker.instances (WORKER_INSTANCES) = '-2'");
    }
  }

  @Test
  void unknownArgumentExitsTwo() throws Exception {
    try (AppProcess app = AppProcess.start(dir, Map.of(), "--bogus")) {
      assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(app.stderr()).contains("Unknown argument: --bogus");
    }
  }

  @Test
  void unreachableKafkaIsNamedAfterABoundedWait() throws Exception {
    int closed = AppProcess.freePort();
    try (AppProcess app = AppProcess.start(dir, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + closed, "KAFKA_CONNECT_TIMEOUT_MS", "2000",
        "MONGO_EMBEDDED_BACKEND", "memory", "DATA_DIR", dir.resolve("d").toString()))) {
      assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(app.stderr()).contains("Cannot start: Kafka at 127.0.0.1:" + closed + " did not answer within 2000 ms");
    }
  }

  @Test
  void unreachableMongoIsNamedAfterABoundedWait() throws Exception {
    int closed = AppProcess.freePort();
    try (AppProcess app = AppProcess.start(dir, Map.of(
        "MONGO_URI", "mongodb://127.0.0.1:" + closed, "MONGO_CONNECT_TIMEOUT_MS", "2000", "DATA_DIR", dir.resolve("d").toString()))) {
      assertThat(app.awaitExit(Duration.ofSeconds(40))).isEqualTo(1);
      assertThat(app.stderr()).contains("Cannot start: MongoDB at mongodb://127.0.0.1:" + closed + " did not answer within 2000 ms");
    }
  }

  @Test
  void unwritableDataDirIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    try (AppProcess app = AppProcess.start(dir, Map.of("DATA_DIR", file.resolve("data").toString()))) {
      assertThat(app.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(app.stderr()).contains("Data directory " + file.resolve("data") + " is not writable");
    }
  }

  @Test
  void httpPortInUseIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
        AppProcess app = AppProcess.start(dir, Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()),
            "MONGO_EMBEDDED_BACKEND", "memory", "DATA_DIR", dir.resolve("d").toString()))) {
      assertThat(app.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(app.stderr()).contains("HTTP port " + taken.getLocalPort() + " on 0.0.0.0 is in use");
    }
  }
}
