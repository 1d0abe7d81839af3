package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.taskmesh.config.AppConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusteringTest {

  private static AppConfig.Cluster tcp(String host, int port, List<String> members, int minMembers) {
    return new AppConfig.Cluster(true, AppConfig.Discovery.TCP, Optional.ofNullable(host), port, members,
        Optional.empty(), minMembers, 5_000);
  }

  @Test
  void tcpDiscoveryUsesOnlyTheMemberListOnTheGivenInterface() {
    Config config = Clustering.hazelcastConfig(tcp("127.0.0.1", 5801, List.of("127.0.0.1:5801", "127.0.0.1:5802"), 0));
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5801", "127.0.0.1:5802");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.initial.min.cluster.size")).isEqualTo("2");
    // vertx-hazelcast's own maps stay configured
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void withoutAHostHazelcastChoosesTheInterface() {
    Config config = Clustering.hazelcastConfig(tcp(null, 5701, List.of("api", "worker"), 0));
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isNull();
  }

  @Test
  void kubernetesDiscoveryUsesTheHeadlessServiceDns() {
    AppConfig.Cluster cluster = new AppConfig.Cluster(true, AppConfig.Discovery.KUBERNETES, Optional.empty(), 5701,
        List.of(), Optional.of("taskmesh-cluster.taskmesh.svc.cluster.local"), 2, 60_000);
    JoinConfig join = Clustering.hazelcastConfig(cluster).getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("taskmesh-cluster.taskmesh.svc.cluster.local");
    assertThat(Clustering.minimumMembers(cluster)).isEqualTo(2);
  }

  @Test
  void aMemberListNamingOnlyThisMemberMayStartAlone() {
    assertThat(Clustering.minimumMembers(tcp("127.0.0.1", 5701, List.of("127.0.0.1"), 0))).isEqualTo(1);
    assertThat(Clustering.minimumMembers(tcp("127.0.0.1", 5701, List.of("localhost:5701"), 0))).isEqualTo(1);
  }

  @Test
  void aMemberListNamingAnotherMemberWaitsForIt() {
    assertThat(Clustering.minimumMembers(tcp("127.0.0.1", 5701, List.of("127.0.0.1:5701", "127.0.0.1:5702"), 0))).isEqualTo(2);
    assertThat(Clustering.minimumMembers(tcp("10.0.0.5", 5701, List.of("10.0.0.6"), 0))).isEqualTo(2);
    assertThat(Clustering.minimumMembers(tcp(null, 5701, List.of("api", "worker"), 0))).isEqualTo(2);
  }

  @Test
  void anExplicitMinimumWins() {
    assertThat(Clustering.minimumMembers(tcp("127.0.0.1", 5701, List.of("127.0.0.1"), 3))).isEqualTo(3);
  }

  @Test
  void theJoinFailureNamesTheListAndTheSetting() {
    String message = Clustering.cannotJoin(tcp("127.0.0.1", 5701, List.of("127.0.0.1:5999"), 0));
    assertThat(message).contains("within 5000 ms", "fewer than 2 members", "127.0.0.1:5999 (CLUSTER_MEMBERS)");
  }
}
