package dev.taskmesh.observability.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.taskmesh.observability.logging.JsonLogEncoder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The shipper against a scripted stand-in for the engine: per-item outcomes, outages, bounded
 * memory with exact drop accounting, the index template, authentication, a bounded stop.
 * (LogShippingIT does the same against a real OpenSearch.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ElasticsearchAppenderTest {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Set<String> indexedIds = ConcurrentHashMap.newKeySet();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> templates = new CopyOnWriteArrayList<>();
  private volatile boolean down;
  private volatile String rejectMessagesContaining = "\u0000";
  private HttpServer server;
  private ElasticsearchAppender appender;

  @BeforeEach
  void startEngine() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/_index_template/", exchange -> {
      templates.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      reply(exchange, down ? 503 : 200, "{\"acknowledged\":true}");
    });
    server.createContext("/_bulk", this::bulk);
    server.start();
  }

  @AfterEach
  void stopEngine() {
    if (appender != null) {
      appender.stop();
    }
    server.stop(0);
  }

  private void bulk(HttpExchange exchange) throws IOException {
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    if (down) {
      reply(exchange, 503, "{\"error\":\"unavailable\"}");
      return;
    }
    String[] lines = body.split("\n");
    JsonArray items = new JsonArray();
    boolean errors = false;
    for (int i = 0; i + 1 < lines.length; i += 2) {
      JsonObject action = new JsonObject(lines[i]).getJsonObject("create");
      JsonObject source = new JsonObject(lines[i + 1]);
      String id = action.getString("_id");
      JsonObject result;
      if (source.getString("message").contains(rejectMessagesContaining)) {
        errors = true;
        result = new JsonObject().put("status", 400).put("error", new JsonObject().put("type", "mapper_parsing_exception").put("reason", "bad field"));
      } else if (!indexedIds.add(id)) {
        errors = true;
        result = new JsonObject().put("status", 409).put("error", new JsonObject().put("type", "version_conflict_engine_exception"));
      } else {
        result = new JsonObject().put("status", 201);
      }
      items.add(new JsonObject().put("create", result.put("_id", id).put("_index", action.getString("_index"))));
    }
    reply(exchange, 200, new JsonObject().put("errors", errors).put("items", items).encode());
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private void start(int queueCapacity, int batchSize, Optional<String> user, Optional<String> apiKey) {
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    appender = new ElasticsearchAppender(false);
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();
    appender.activate(new ShippingSettings(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), user,
        user.map(u -> "secret"), apiKey, "test-logs", queueCapacity, batchSize, 50, 1_000));
  }

  private void log(String message) {
    appender.doAppend(new LoggingEvent(getClass().getName(), context.getLogger("test.shipping"), Level.INFO, message, null, null));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void shipsEveryEventOnceAndChecksEachItemOfTheResponse() throws Exception {
    rejectMessagesContaining = "poison";
    start(1_000, 7, Optional.of("shipper"), Optional.empty());
    for (int i = 0; i < 50; i++) {
      log(i % 10 == 3 ? "poison " + i : "event " + i);
    }
    ShippingStats stats = appender.stats();
    await(() -> stats.shipped() + stats.rejected() == 50, "all events accounted for: " + stats);
    assertThat(stats.rejected()).isEqualTo(5);
    assertThat(stats.shipped()).isEqualTo(45);
    assertThat(stats.dropped()).isZero();
    assertThat(indexedIds).hasSize(45);
    assertThat(templates).hasSize(1);
    assertThat(templates.get(0)).startsWith("/_index_template/test-logs ").contains("\"test-logs-*\"");
    assertThat(authorizations).allMatch(a -> a.equals("Basic " + java.util.Base64.getEncoder().encodeToString("shipper:secret".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void whileTheEngineIsDownMemoryStaysBoundedAndEveryEventIsShippedOrCountedAsDropped() throws Exception {
    start(20, 5, Optional.empty(), Optional.of("a2V5OnNlY3JldA=="));
    log("before the outage");
    ShippingStats stats = appender.stats();
    await(() -> stats.shipped() == 1, "the first event");
    down = true;
    for (int i = 0; i < 500; i++) {
      log("during the outage " + i);
    }
    assertThat(appender.queued()).isLessThanOrEqualTo(20);
    await(() -> stats.failedRequests() >= 2, "requests failing while down");
    down = false;
    await(() -> appender.queued() == 0 && stats.shipped() + stats.dropped() == 501, "the queue to drain: " + stats);
    log("after the outage");
    await(() -> stats.shipped() + stats.dropped() == 502, "the event after the outage");
    // at most the queue bound plus the batch in flight survives an outage; the rest is counted, not lost silently
    assertThat(stats.dropped()).isGreaterThanOrEqualTo(500 - 20 - 5);
    assertThat(stats.shipped()).isEqualTo(indexedIds.size());
    assertThat(stats.accepted()).isEqualTo(stats.shipped() + stats.dropped() + stats.rejected());
    assertThat(authorizations).allMatch(a -> a.equals("ApiKey a2V5OnNlY3JldA=="));
  }

  @Test
  void aStopFlushesWhatItCanWithinItsBoundAndCountsTheRest() throws Exception {
    start(1_000, 10, Optional.empty(), Optional.empty());
    log("shipped before the stop");
    await(() -> appender.stats().shipped() == 1, "the first event");
    down = true;
    for (int i = 0; i < 100; i++) {
      log("never delivered " + i);
    }
    appender.stop();
    ShippingStats stats = appender.stats();
    assertThat(stats.shipped()).isEqualTo(1);
    assertThat(stats.dropped()).isEqualTo(100);
    assertThat(appender.queued()).isZero();
    appender = null;
  }
}
