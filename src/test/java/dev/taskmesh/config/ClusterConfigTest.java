package dev.taskmesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static AppConfig load(Map<String, String> env) {
    return ConfigLoader.load(vertx, Optional.empty(), env, new Properties()).await();
  }

  @Test
  void clusteringIsOffByDefaultWithALoopbackMemberList() {
    AppConfig config = load(Map.of());
    assertThat(config.cluster().enabled()).isFalse();
    assertThat(config.cluster().discovery()).isEqualTo(AppConfig.Discovery.TCP);
    assertThat(config.cluster().host()).contains("127.0.0.1");
    assertThat(config.cluster().members()).containsExactly("127.0.0.1");
  }

  @Test
  void environmentSetsEveryClusterKey() {
    AppConfig config = load(Map.of("CLUSTER_ENABLED", "true", "CLUSTER_HOST", "", "CLUSTER_PORT", "5801",
        "CLUSTER_MEMBERS", "api, worker:5701,updater", "CLUSTER_MIN_MEMBERS", "3", "CLUSTER_JOIN_TIMEOUT_MS", "60000"));
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().host()).isEmpty();
    assertThat(config.cluster().port()).isEqualTo(5801);
    assertThat(config.cluster().members()).containsExactly("api", "worker:5701", "updater");
    assertThat(config.cluster().minMembers()).isEqualTo(3);
    assertThat(config.cluster().joinTimeoutMs()).isEqualTo(60_000);
  }

  @Test
  void kubernetesDiscoveryNeedsTheServiceDns() {
    assertThatThrownBy(() -> load(Map.of("CLUSTER_ENABLED", "true", "CLUSTER_DISCOVERY", "kubernetes")))
        .hasMessageContaining("cluster.kubernetesServiceDns (CLUSTER_KUBERNETES_SERVICE_DNS)");
    AppConfig config = load(Map.of("CLUSTER_ENABLED", "true", "CLUSTER_DISCOVERY", "kubernetes",
        "CLUSTER_KUBERNETES_SERVICE_DNS", "taskmesh-cluster.default.svc.cluster.local"));
    assertThat(config.cluster().discovery()).isEqualTo(AppConfig.Discovery.KUBERNETES);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> load(Map.of("CLUSTER_ENABLED", "maybe")))
        .hasMessageContaining("cluster.enabled (CLUSTER_ENABLED) = 'maybe': expected true or false");
    assertThatThrownBy(() -> load(Map.of("CLUSTER_DISCOVERY", "multicast")))
        .hasMessageContaining("expected tcp or kubernetes");
    assertThatThrownBy(() -> load(Map.of("CLUSTER_MEMBERS", "a b")))
        .hasMessageContaining("cluster.members (CLUSTER_MEMBERS) = 'a b': expected host or host:port");
    assertThatThrownBy(() -> load(Map.of("CLUSTER_JOIN_TIMEOUT_MS", "10")))
        .hasMessageContaining("must be between 1000 and 600000");
  }
}
