package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.AppProcess;
import dev.taskmesh.support.Http;
import dev.taskmesh.support.InProcessApp;
import dev.taskmesh.support.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One application in process (embedded broker, in-memory store) and a real Prometheus scraping it:
 * a run's trace id on the lines of every service; the completed-runs count through PromQL; every
 * Grafana panel names a metric the application exports; the separate metrics port.
 */
class ObservabilityIT {

  private static final Pattern METRIC = Pattern.compile("\\b((?:vertx|taskmesh|jvm|process|system)_[a-zA-Z0-9_]+)");

  @TempDir static Path dir;
  private static InProcessApp app;
  private static LogCapture logs;
  private static Process prometheus;
  private static int prometheusPort;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    logs = new LogCapture();
    metricsPort = AppProcess.freePort();
    app = InProcessApp.start(dir.resolve("data"), Map.of("METRICS_PORT", Integer.toString(metricsPort), "KAFKA_LAG_INTERVAL_MS", "500"));
    prometheusPort = AppProcess.freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: taskmesh
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """.formatted(app.httpPort));
    prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor(10, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.close();
    }
    logs.close();
  }

  @Test
  void oneRunsTraceIdIsOnTheLinesOfApiRelayWorkerAndUpdater() throws Exception {
    String trace = "5ee1c0ffee5ee1c0ffee5ee1c0ffee00";
    HttpResponse<String> accepted = postRun("00-" + trace + "-1111111111111111-01");
    assertThat(accepted.statusCode()).isEqualTo(202);
    JsonObject run = new JsonObject(accepted.body());
    assertThat(run.getString("traceId")).isEqualTo(trace);
    assertThat(accepted.headers().firstValue("traceparent")).hasValueSatisfying(h -> assertThat(h).startsWith("00-" + trace + "-"));
    app.http().awaitJson("/api/runs/" + run.getString("id"), r -> "COMPLETED".equals(r.getString("status")), Duration.ofSeconds(30));

    for (String logger : List.of("taskmesh.access", "taskmesh.api", "taskmesh.relay", "taskmesh.worker", "taskmesh.updater")) {
      JsonObject line = logs.await(l -> logger.equals(l.getString("log.logger")) && trace.equals(l.getString("trace.id")), Duration.ofSeconds(10));
      assertThat(line.getString("service.name")).isEqualTo("taskmesh");
      assertThat(line.getJsonArray("service.node.roles")).contains("api", "worker", "updater");
      if (!logger.equals("taskmesh.access")) {
        assertThat(line.getString("run.id")).as(logger).isEqualTo(run.getString("id"));
      }
    }
    logs.await(l -> "taskmesh.updater".equals(l.getString("log.logger")) && trace.equals(l.getString("trace.id"))
        && l.getString("message").contains("COMPLETED"), Duration.ofSeconds(10));
  }

  @Test
  void prometheusCountsTheCompletedRuns() throws Exception {
    String timed = "taskmesh_task_duration_seconds_count{outcome=\"completed\",type=\"primes\"}";
    String scrapeBefore = app.http().get("/metrics").body();
    double before = scrapeValue(scrapeBefore, "taskmesh_runs_status_total{status=\"COMPLETED\"}");
    double timedBefore = scrapeValue(scrapeBefore, timed);
    int n = 5;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(new JsonObject(postRun(null).body()).getString("id"));
    }
    for (String id : ids) {
      app.http().awaitJson("/api/runs/" + id, r -> "COMPLETED".equals(r.getString("status")), Duration.ofSeconds(30));
    }
    String query = "sum(taskmesh_runs_status_total{status=\"COMPLETED\"})";
    double expected = before + n;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    double last = Double.NaN;
    while (System.nanoTime() < deadline) {
      last = promql(query);
      if (last == expected) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(last).as("PromQL " + query + "; prometheus log: " + Files.readString(dir.resolve("prometheus.log"))).isEqualTo(expected);
    assertThat(scrapeValue(app.http().get("/metrics").body(), timed)).as("each attempt is timed, in the one timer of its type and outcome")
        .isGreaterThanOrEqualTo(timedBefore + n);
  }

  @Test
  void everyGrafanaPanelQueriesAMetricTheApplicationExports() throws Exception {
    // a run and a lag reading first, so that every series exists
    String id = new JsonObject(postRun(null).body()).getString("id");
    app.http().awaitJson("/api/runs/" + id, r -> "COMPLETED".equals(r.getString("status")), Duration.ofSeconds(30));
    // jvm_gc_pause_seconds appears with the first collection, which a short run may not have needed yet
    System.gc();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String scrape = app.http().get("/metrics").body();
    while (!(scrape.contains("taskmesh_kafka_consumer_lag{") && scrape.contains("jvm_gc_pause_seconds_sum")) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      scrape = app.http().get("/metrics").body();
    }
    Set<String> exported = exportedNames(scrape);

    JsonObject dashboard = new JsonObject(Files.readString(Path.of("docker/grafana/dashboards/taskmesh.json")));
    Set<String> missing = new TreeSet<>();
    int queries = 0;
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      if (!"prometheus".equals(panel.getJsonObject("datasource").getString("type"))) {
        continue;
      }
      for (Object t : panel.getJsonArray("targets")) {
        String expr = ((JsonObject) t).getString("expr");
        Matcher matcher = METRIC.matcher(expr);
        boolean named = false;
        while (matcher.find()) {
          named = true;
          queries++;
          if (!exported.contains(matcher.group(1))) {
            missing.add(panel.getString("title") + ": " + matcher.group(1));
          }
        }
        assertThat(named).as("panel '%s' query names a metric: %s", panel.getString("title"), expr).isTrue();
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(12);
    assertThat(missing).as("metrics queried by the dashboard but not exported").isEmpty();
    assertThat(exported).contains("taskmesh_runs_status_total", "taskmesh_task_duration_seconds_bucket", "taskmesh_kafka_consumer_lag",
        "taskmesh_outbox_backlog", "taskmesh_log_shipping_dropped_total", "taskmesh_log_shipping_rejected_total",
        "vertx_http_server_requests_total", "vertx_eventbus_processed_total", "jvm_memory_used_bytes");
    assertThat(scrape).contains("route=\"/api/tasks/:id/runs\"");
  }

  @Test
  void theMetricsPortServesMetricsAndHealth() throws Exception {
    Http management = new Http(metricsPort);
    HttpResponse<String> metrics = management.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("taskmesh_runs_status_total");
    HttpResponse<String> ready = management.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonArray checks = new JsonObject(ready.body()).getJsonArray("checks");
    assertThat(checks.stream().map(c -> ((JsonObject) c).getString("id")).toList()).contains("kafka", "mongo");
  }

  private static HttpResponse<String> postRun(String traceparent) throws Exception {
    return app.launchRun("primes", new JsonObject().put("n", 500), traceparent);
  }

  private static double promql(String query) throws Exception {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort
          + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      JsonArray result = new JsonObject(response.body()).getJsonObject("data").getJsonArray("result");
      return result.isEmpty() ? Double.NaN : Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1));
    } catch (java.io.IOException notYetListening) {
      return Double.NaN;
    }
  }

  static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{');
      names.add(end > 0 ? line.substring(0, end) : line.substring(0, line.indexOf(' ')));
    }
    return names;
  }

  static double scrapeValue(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }
}
