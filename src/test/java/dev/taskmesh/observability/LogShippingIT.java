package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.observability.logging.ServiceIdentity;
import dev.taskmesh.observability.shipping.ElasticsearchAppender;
import dev.taskmesh.observability.shipping.ShippingStats;
import dev.taskmesh.support.InProcessApp;
import dev.taskmesh.support.OpenSearchEngine;
import dev.taskmesh.support.TcpProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log shipping against a real OpenSearch node, started once for the class. The application ships
 * through a cuttable TCP proxy, so an outage is "connection refused" without restarting the engine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogShippingIT {

  private static final Logger LOG = LoggerFactory.getLogger("test.shipping");
  private static final int QUEUE_BOUND = 50;

  @TempDir static Path dir;
  private static OpenSearchEngine engine;
  private static TcpProxy proxy;
  private static InProcessApp app;

  @BeforeAll
  static void start() throws Exception {
    long started = System.nanoTime();
    engine = OpenSearchEngine.start(dir, Duration.ofSeconds(120));
    System.out.printf("OpenSearch up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    proxy = new TcpProxy(engine.port());
    app = InProcessApp.start(dir.resolve("data"), Map.of(
        "ELASTICSEARCH_URL", "http://127.0.0.1:" + proxy.port(),
        "ELASTICSEARCH_INDEX_PREFIX", "it-logs",
        "LOG_SHIPPING_QUEUE_CAPACITY", Integer.toString(QUEUE_BOUND),
        "LOG_SHIPPING_BATCH_SIZE", "20",
        "LOG_SHIPPING_FLUSH_INTERVAL_MS", "100"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (ElasticsearchAppender.current() != null) {
      ElasticsearchAppender.current().deactivate();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  @Order(1)
  void aRunsLogsAreSearchableByTraceIdWithTheTemplatesMapping() throws Exception {
    String trace = UUID.randomUUID().toString().replace("-", "");
    HttpResponse<String> accepted = app.launchRun("primes", new JsonObject().put("n", 100), "00-" + trace + "-2222222222222222-01");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String runId = new JsonObject(accepted.body()).getString("id");
    app.http().awaitJson("/api/runs/" + runId, r -> "COMPLETED".equals(r.getString("status")), Duration.ofSeconds(30));

    Set<String> loggers = new HashSet<>();
    await(() -> {
      loggers.clear();
      search(new JsonObject().put("term", new JsonObject().put("trace.id", trace)), 100)
          .forEach(hit -> loggers.add(((JsonObject) hit).getJsonObject("_source").getString("log.logger")));
      return loggers.containsAll(Set.of("taskmesh.access", "taskmesh.api", "taskmesh.relay", "taskmesh.worker", "taskmesh.updater"));
    }, Duration.ofSeconds(30), () -> "loggers found for the trace: " + loggers);

    JsonObject mapping = new JsonObject(engine.request("GET", "/it-logs-*/_mapping", null).body());
    JsonObject properties = mapping.getJsonObject(mapping.fieldNames().iterator().next()).getJsonObject("mappings").getJsonObject("properties");
    assertThat(properties.getJsonObject("@timestamp").getString("type")).isEqualTo("date");
    assertThat(properties.getJsonObject("trace").getJsonObject("properties").getJsonObject("id").getString("type")).isEqualTo("keyword");
    assertThat(properties.getJsonObject("message").getString("type")).isEqualTo("text");

    // time from a log call to searchable (figures for docs/benchmarks.md, not asserted)
    for (int i = 0; i < 5; i++) {
      String marker = "latency-probe-" + UUID.randomUUID();
      long logged = System.nanoTime();
      LOG.info(marker);
      await(() -> !search(new JsonObject().put("match_phrase", new JsonObject().put("message", marker)), 1).isEmpty(),
          Duration.ofSeconds(30), () -> marker);
      System.out.printf("log call to searchable: %d ms%n", (System.nanoTime() - logged) / 1_000_000);
    }
  }

  @Test
  @Order(2)
  void duringAnOutageTheAppServesAndMemoryIsBoundedAfterwardsLogsArriveAndEveryDropIsCounted() throws Exception {
    ElasticsearchAppender appender = ElasticsearchAppender.current();
    ShippingStats stats = appender.stats();
    long droppedBefore = stats.dropped();
    long failedBefore = stats.failedRequests();

    proxy.stop();
    for (int i = 0; i < 300; i++) {
      LOG.info("during the outage {}", i);
    }
    for (int i = 0; i < 20; i++) {
      assertThat(app.http().get("/health/live").statusCode()).isEqualTo(200);
      assertThat(app.http().get("/api/task-types").statusCode()).isEqualTo(200);
    }
    await(() -> stats.failedRequests() > failedBefore, Duration.ofSeconds(30), () -> "a failing bulk request: " + stats);
    assertThat(appender.queued()).isLessThanOrEqualTo(QUEUE_BOUND);
    HttpResponse<String> ready = app.http().get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonObject esCheck = check(new JsonObject(ready.body()), "elasticsearch");
    assertThat(esCheck.getJsonObject("data").getString("status")).isEqualTo("degraded");
    assertThat(esCheck.getJsonObject("data").getBoolean("reachable")).isFalse();

    proxy.start();
    String marker = "back-after-outage-" + UUID.randomUUID();
    LOG.info(marker);
    await(() -> !search(new JsonObject().put("match_phrase", new JsonObject().put("message", marker)), 1).isEmpty(),
        Duration.ofSeconds(60), () -> "the line logged after the outage: " + stats);
    assertThat(stats.dropped() - droppedBefore).as("300 lines into a queue of " + QUEUE_BOUND).isGreaterThanOrEqualTo(300 - QUEUE_BOUND - 20);

    // exact accounting: every event accepted by the shipper is in the index, or counted as dropped or rejected
    String instance = ServiceIdentity.instanceId();
    long[] indexed = new long[1];
    await(() -> {
      long accepted = stats.accepted();
      long shipped = stats.shipped();
      if (appender.queued() != 0 || accepted != shipped + stats.dropped() + stats.rejected()) {
        return false;
      }
      engine.request("POST", "/it-logs-*/_refresh", null);
      indexed[0] = new JsonObject(engine.request("POST", "/it-logs-*/_count",
          new JsonObject().put("query", new JsonObject().put("term", new JsonObject().put("service.instance.id", instance)))).body()).getLong("count");
      return indexed[0] == stats.shipped() && stats.shipped() == shipped;
    }, Duration.ofSeconds(30), () -> "documents of this instance " + indexed[0] + " vs " + stats + ", queued " + appender.queued());
    assertThat(stats.rejected()).isZero();

    String metrics = app.http().get("/metrics").body();
    assertThat(ObservabilityIT.scrapeValue(metrics, "taskmesh_log_shipping_dropped_total")).isEqualTo((double) stats.dropped());
    JsonObject recovered = check(new JsonObject(app.http().get("/health/ready").body()), "elasticsearch");
    assertThat(recovered.getJsonObject("data").getBoolean("reachable")).isTrue();
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast).filter(c -> id.equals(c.getString("id"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + id + " check in " + health));
  }

  private static JsonArray search(JsonObject query, int size) throws Exception {
    HttpResponse<String> response = engine.request("POST", "/it-logs-*/_search",
        new JsonObject().put("size", size).put("query", query));
    if (response.statusCode() != 200) {
      return new JsonArray();
    }
    return new JsonObject(response.body()).getJsonObject("hits").getJsonArray("hits");
  }

  private interface Condition {
    boolean met() throws Exception;
  }

  private static void await(Condition condition, Duration timeout, java.util.function.Supplier<String> what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.met()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what.get());
      }
      Thread.sleep(100);
    }
  }

  @SuppressWarnings("unused")
  private static BooleanSupplier unused() {
    return () -> TimeUnit.SECONDS.toMillis(1) > 0;
  }
}
