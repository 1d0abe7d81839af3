package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load generator's schedules against a local endpoint on a free port. */
class LoadGeneratorTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static final AtomicInteger received = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(request -> {
          received.incrementAndGet();
          request.response().setStatusCode(request.path().equals("/fail") ? 500 : 200).end("{}");
        })
        .listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anOpenLoopSendsExactlyRateTimesSecondsAndNeverAheadOfSchedule() {
    received.set(0);
    Vertx client = Vertx.vertx();
    try (LoadGenerator load = new LoadGenerator(client, "http://127.0.0.1:" + server.actualPort(), 4)) {
      long started = System.nanoTime();
      LoadResult result = load.openLoop("open", LoadGenerator.Request.get("/", java.util.Map.of()), 150, 0.4);
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(result.ok()).isEqualTo(60);
      assertThat(result.errors()).isZero();
      assertThat(received.get()).isEqualTo(60);
      assertThat(result.latency().count()).isEqualTo(60);
      // The 60th request is due 59/150 s after the start: an open loop cannot be done before that.
      assertThat(seconds).isGreaterThanOrEqualTo(59 / 150.0);
    } finally {
      client.close().await();
    }
  }

  @Test
  void failedRequestsAreCountedAsErrors() {
    Vertx client = Vertx.vertx();
    try (LoadGenerator load = new LoadGenerator(client, "http://127.0.0.1:" + server.actualPort(), 4)) {
      LoadResult result = load.openLoop("failing", LoadGenerator.Request.get("/fail", java.util.Map.of()), 100, 0.2);
      assertThat(result.ok()).isZero();
      assertThat(result.errors()).isEqualTo(20);
    } finally {
      client.close().await();
    }
  }
}
