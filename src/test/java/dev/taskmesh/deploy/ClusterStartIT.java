package dev.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.AppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two start-time mistakes of a scaled-out deployment, as a user meets them: said clearly, at once. */
class ClusterStartIT {

  @TempDir Path dir;

  @Test
  void moreWorkersThanPartitionsIsWarnedAndAMemberThatCannotJoinExitsOneNamingTheList() throws Exception {
    int nobody = AppProcess.freePort();
    try (AppProcess app = AppProcess.start(dir, Map.of(
        "ROLES", "worker", "WORKER_INSTANCES", "8", "KAFKA_PARTITIONS", "2",
        "MONGO_EMBEDDED_BACKEND", "memory", "DATA_DIR", dir.resolve("data").toString(),
        "CLUSTER_ENABLED", "true", "CLUSTER_PORT", Integer.toString(AppProcess.freePort()),
        "CLUSTER_MEMBERS", "127.0.0.1:" + nobody, "CLUSTER_JOIN_TIMEOUT_MS", "3000"))) {
      assertThat(app.awaitExit(Duration.ofSeconds(90))).isEqualTo(1);
      assertThat(app.stderr()).contains("Cannot start: Could not join the cluster within 3000 ms: fewer than 2 members found at 127.0.0.1:"
          + nobody + " (CLUSTER_MEMBERS)");
      assertThat(app.stdout()).contains("8 worker consumers in this process (WORKER_INSTANCES) but topic pending-tasks has 2 partitions: 6 will stay idle");
    }
  }
}
