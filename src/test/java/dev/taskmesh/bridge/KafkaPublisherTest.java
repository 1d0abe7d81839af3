package dev.taskmesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A publisher whose broker is unreachable: its sends block the client until {@code max.block.ms},
 * one after another, and past its backlog bound it refuses at once instead of queueing more.
 */
class KafkaPublisherTest {

  private Vertx vertx;
  private KafkaPublisher publisher;

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    Map<String, String> settings = KafkaSettings.producer("127.0.0.1:" + closedPort(), "test-publisher");
    settings.put("max.block.ms", "300"); // how long each send waits for the topic's metadata
    publisher = new KafkaPublisher(vertx, "test-publisher", settings, new PublishBacklog(2, 1_000_000));
  }

  @AfterEach
  void stop() throws Exception {
    publisher.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void refusesAtOnceWhileItsBacklogIsFullAndSendsAgainOnceItDrains() throws Exception {
    List<Future<Void>> waiting = List.of(send("a"), send("b"));

    Future<Void> refused = send("c");
    assertThat(refused.failed()).as("refused without waiting on the broker").isTrue();
    assertThat(refused.cause()).isInstanceOf(BacklogFullException.class)
        .hasMessageContaining("test-publisher").hasMessageContaining("2 records");

    for (Future<Void> send : waiting) {
      assertThat(failureOf(send)).as("no broker: the send fails after max.block.ms").isNotNull().isNotInstanceOf(BacklogFullException.class);
    }
    assertThat(publisher.waiting()).isZero();

    Future<Void> again = send("d");
    assertThat(again.isComplete()).as("taken once the backlog drained").isFalse();
    assertThat(failureOf(again)).isNotInstanceOf(BacklogFullException.class);
  }

  private static Throwable failureOf(Future<Void> send) throws Exception {
    return send.transform(result -> Future.succeededFuture(result.cause())).await(10, TimeUnit.SECONDS);
  }

  private Future<Void> send(String key) {
    return publisher.send("runs", key, new JsonObject().put("runId", key), null);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
