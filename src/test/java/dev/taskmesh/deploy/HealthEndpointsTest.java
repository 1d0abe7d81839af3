package dev.taskmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.ObservabilityVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paths that compose health checks, Kubernetes probes and the balancers call are served by the
 * application: a worker process (health on METRICS_PORT, as the deployment files configure it)
 * whose Kafka and store are unreachable answers them (live 200, ready 503), never 404. The api role
 * mounts the same routes (observability.Health) on its own port.
 */
class HealthEndpointsTest {

  @Test
  void deploymentHealthPathsAreServedByAProcessWithoutTheApiRole() throws Exception {
    int port = freePort();
    AppConfig config = DeployFiles.appConfig(Map.of("ROLES", "worker", "METRICS_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1", "KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + freePort(),
        "MONGO_URI", "mongodb://127.0.0.1:" + freePort(), "MONGO_CONNECT_TIMEOUT_MS", "500"));
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(new ObservabilityVerticle(config, List.of("sleep"), List.of())).await();
      WebClient client = WebClient.create(vertx);
      for (String path : DeployFiles.HEALTH_PATHS) {
        int status = client.request(HttpMethod.GET, port, "127.0.0.1", path).send().await().statusCode();
        assertThat(status).as(path).isEqualTo(path.endsWith("live") ? 200 : 503);
      }
      assertThat(client.request(HttpMethod.GET, port, "127.0.0.1", "/metrics").send().await().statusCode()).isNotEqualTo(404);
      assertThat(client.request(HttpMethod.GET, port, "127.0.0.1", "/health/nothing").send().await().statusCode()).isEqualTo(404);
    } finally {
      vertx.close().await();
    }
  }

  private static int freePort() {
    return dev.taskmesh.support.FreePorts.next();
  }
}
