package dev.taskmesh.infra;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.taskmesh.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Vert.x as a member of a Hazelcast cluster, so event-bus publications (run status changes)
 * reach every process. Discovery is a TCP member list or Kubernetes DNS; no multicast, no
 * auto-detection, no phone-home. A member that cannot gather {@link #minimumMembers} within the
 * join timeout fails the start with a message naming the member list: a wrong list must not turn
 * into a lonely cluster of one that silently never sees the others' events.
 */
public final class Clustering {

  private static final Logger LOG = LoggerFactory.getLogger(Clustering.class);

  private Clustering() {}

  /** Blocking, bounded by the join timeout: runs on the launcher thread before any verticle. */
  public static Vertx start(VertxBuilder builder, VertxOptions options, AppConfig.Cluster cluster) {
    cluster.host().ifPresent(host -> options.getEventBusOptions().setHost(host));
    // Read by Hazelcast before it reads its configuration: without it, its first lines bypass our JSON logs.
    System.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "slf4j"));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster));
    CompletableFuture<Vertx> joining = builder.with(options).withClusterManager(manager)
        .buildClustered().toCompletionStage().toCompletableFuture();
    try {
      Vertx vertx = joining.get(cluster.joinTimeoutMs(), TimeUnit.MILLISECONDS);
      LOG.info("Joined the cluster ({} discovery) with {} members", cluster.discovery().name().toLowerCase(),
          manager.getNodes().size());
      return vertx;
    } catch (TimeoutException e) {
      joining.thenAccept(Vertx::close); // a join that completes after we gave up must not linger
      throw new EmbeddedInfraException(cannotJoin(cluster));
    } catch (ExecutionException e) {
      throw new EmbeddedInfraException("Cannot join the cluster: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedInfraException("Interrupted while joining the cluster");
    }
  }

  static String cannotJoin(AppConfig.Cluster cluster) {
    String where = cluster.discovery() == AppConfig.Discovery.KUBERNETES
        ? "through Kubernetes DNS " + cluster.kubernetesServiceDns().orElse("?") + " (CLUSTER_KUBERNETES_SERVICE_DNS)"
        : "at " + String.join(",", cluster.members()) + " (CLUSTER_MEMBERS)";
    return "Could not join the cluster within " + cluster.joinTimeoutMs() + " ms: fewer than " + minimumMembers(cluster)
        + " members found " + where + "; check the member list, that the other members run with CLUSTER_ENABLED=true,"
        + " and that port " + cluster.port() + " and up are reachable (or lower CLUSTER_MIN_MEMBERS)";
  }

  /** The Hazelcast configuration for these settings, starting from vertx-hazelcast's required maps. */
  public static Config hazelcastConfig(AppConfig.Cluster cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("taskmesh");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // A SIGKILLed member is noticed within seconds, not the default minute; its subscriptions go with it.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    // Members that started at the same moment and formed two clusters find each other within a minute.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "30");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "30");
    config.setProperty("hazelcast.initial.min.cluster.size", Integer.toString(minimumMembers(cluster)));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true);
    cluster.host().ifPresent(host -> {
      network.getInterfaces().setEnabled(true).addInterface(host);
      config.setProperty("hazelcast.socket.bind.any", "false");
    });
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.discovery() == AppConfig.Discovery.KUBERNETES) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns().orElseThrow())
          // Every pod listens on the same port; the first member of a host found this way is tried there.
          .setProperty("service-port", Integer.toString(cluster.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }

  /**
   * {@code cluster.minMembers} when set. Otherwise 2 if the member list names an address that can
   * only be another member, 1 if it names only this member (a laptop's single clustered process,
   * or the first member of a cluster). Kubernetes discovery defaults to 1: a Deployment scaled to
   * one pod must still start; the manifests set 2.
   */
  public static int minimumMembers(AppConfig.Cluster cluster) {
    if (cluster.minMembers() > 0) {
      return cluster.minMembers();
    }
    if (cluster.discovery() == AppConfig.Discovery.KUBERNETES) {
      return 1;
    }
    return cluster.members().stream().anyMatch(member -> !isSelf(member, cluster)) ? 2 : 1;
  }

  private static boolean isSelf(String member, AppConfig.Cluster cluster) {
    int colon = member.lastIndexOf(':');
    String host = colon < 0 ? member : member.substring(0, colon);
    if (!sameHost(host, cluster.host().orElse(null))) {
      return false;
    }
    if (colon < 0) { // tried on the base port and the next two: this member may be one of them
      return true;
    }
    int port = Integer.parseInt(member.substring(colon + 1));
    return port == cluster.port();
  }

  private static boolean sameHost(String member, String own) {
    if (own == null) {
      return false;
    }
    return member.equalsIgnoreCase(own) || isLoopback(member) && isLoopback(own);
  }

  private static boolean isLoopback(String host) {
    return host.equalsIgnoreCase("localhost") || host.startsWith("127.");
  }
}
