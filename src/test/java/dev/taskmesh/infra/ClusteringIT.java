package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.support.AppProcess;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real Hazelcast members in this JVM, on loopback: discovery, a publication crossing members, a failed join. */
class ClusteringIT {

  private final List<Vertx> members = new ArrayList<>();

  @AfterEach
  void leave() {
    members.forEach(v -> v.close().await());
  }

  private Vertx join(AppConfig.Cluster cluster) throws Exception {
    CompletableFuture<Vertx> joined = CompletableFuture.supplyAsync(() -> Clustering.start(Vertx.builder(), new VertxOptions(), cluster));
    return joined.thenApply(v -> {
      synchronized (members) {
        members.add(v);
      }
      return v;
    }).get(60, TimeUnit.SECONDS);
  }

  private static AppConfig.Cluster tcp(int port, List<String> members, long timeoutMs) {
    return new AppConfig.Cluster(true, AppConfig.Discovery.TCP, Optional.of("127.0.0.1"), port, members, Optional.empty(), 0, timeoutMs);
  }

  /** A status notice, sent as the updater sends it (through {@link ReadOnlyJsonCodec}), arrives whole on the other member. */
  private static void assertPublicationCrosses(Vertx from, Vertx to) throws Exception {
    ReadOnlyJsonCodec.register(from.eventBus());
    ReadOnlyJsonCodec.register(to.eventBus());
    CompletableFuture<JsonObject> received = new CompletableFuture<>();
    to.eventBus().<JsonObject>consumer("runs.status", m -> received.complete(m.body())).completion().await();
    Thread.sleep(500); // the subscription propagates through the cluster's registry
    JsonObject notice = new JsonObject().put("runId", "r1").put("status", "COMPLETED").put("attempt", 1).put("terminal", true);
    from.eventBus().publish("runs.status", notice, ReadOnlyJsonCodec.DELIVERY);
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(notice).isNotSameAs(notice);
  }

  @Test
  void tcpMembersOnLoopbackFormOneClusterAndPublicationsCrossIt() throws Exception {
    int a = AppProcess.freePort();
    int b = AppProcess.freePort();
    List<String> list = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
    // each names the other, so each waits for it: start both at once
    CompletableFuture<Vertx> first = CompletableFuture.supplyAsync(() -> Clustering.start(Vertx.builder(), new VertxOptions(), tcp(a, list, 60_000)));
    Vertx second = join(tcp(b, list, 60_000));
    Vertx one = first.get(60, TimeUnit.SECONDS);
    members.add(one);
    assertPublicationCrosses(one, second);
  }

  @Test
  void kubernetesDnsDiscoveryFindsTheMembersBehindTheName() throws Exception {
    int port = AppProcess.freePort();
    // "localhost" stands in for the headless service: it resolves to the members' address, as the
    // service's DNS does. Two members are required, as the manifests require (CLUSTER_MIN_MEMBERS=2).
    AppConfig.Cluster cluster = new AppConfig.Cluster(true, AppConfig.Discovery.KUBERNETES, Optional.of("127.0.0.1"), port,
        List.of(), Optional.of("localhost"), 2, 60_000);
    CompletableFuture<Vertx> first = CompletableFuture.supplyAsync(() -> Clustering.start(Vertx.builder(), new VertxOptions(), cluster));
    Vertx two = join(cluster); // base port taken: this member takes the next one and finds the first on the base port
    Vertx one = first.get(60, TimeUnit.SECONDS);
    members.add(one);
    assertPublicationCrosses(two, one);
  }

  @Test
  void aMemberThatFindsNobodyOnItsListGivesUpAfterTheTimeoutNamingTheList() throws Exception {
    int nobody = AppProcess.freePort();
    AppConfig.Cluster cluster = tcp(AppProcess.freePort(), List.of("127.0.0.1:" + nobody), 2_000);
    assertThatThrownBy(() -> Clustering.start(Vertx.builder(), new VertxOptions(), cluster))
        .isInstanceOf(EmbeddedInfraException.class)
        .hasMessageContaining("Could not join the cluster within 2000 ms")
        .hasMessageContaining("127.0.0.1:" + nobody + " (CLUSTER_MEMBERS)");
  }
}
