package dev.taskmesh.observability;

import dev.taskmesh.observability.shipping.ElasticsearchAppender;
import dev.taskmesh.observability.shipping.ShippingSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * The Elasticsearch entry of {@code /health/ready}, present when log shipping is on: a live probe
 * of the engine plus the shipper's counters. By default an unreachable engine is reported (status
 * "degraded") without failing readiness: logs are not worth refusing traffic for, and the shipper's
 * bounded queue keeps the process safe meanwhile. {@code elasticsearch.requiredForReadiness=true}
 * makes it fail readiness like Kafka and Mongo.
 */
final class ElasticsearchHealth {

  private static volatile boolean required;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(1_500)).build();

  private ElasticsearchHealth() {}

  static void required(boolean value) {
    required = value;
  }

  static void register(HealthChecks checks, Vertx vertx, long timeoutMs) {
    ElasticsearchAppender appender = ElasticsearchAppender.current();
    if (appender == null || !appender.active()) {
      return;
    }
    checks.register("elasticsearch", timeoutMs * 2, promise -> probe(vertx, appender, timeoutMs).onComplete(result -> {
      JsonObject detail = details(appender);
      boolean reachable = result.succeeded();
      detail.put("reachable", reachable);
      if (!reachable) {
        detail.put("error", String.valueOf(result.cause().getMessage()));
      }
      if (reachable || !required) {
        promise.complete(Status.OK(detail.put("status", reachable ? "up" : "degraded")));
      } else {
        promise.complete(Status.KO(detail));
      }
    }));
  }

  private static Future<Integer> probe(Vertx vertx, ElasticsearchAppender appender, long timeoutMs) {
    ShippingSettings settings = appender.status().settings();
    if (settings == null) {
      return Future.failedFuture("not configured");
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.base() + "/")).timeout(Duration.ofMillis(timeoutMs)).GET();
    if (settings.authorization() != null) {
      request.header("Authorization", settings.authorization());
    }
    return Future.fromCompletionStage(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()), vertx.getOrCreateContext())
        .compose(response -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(response.statusCode())
            : Future.failedFuture("HTTP " + response.statusCode()));
  }

  private static JsonObject details(ElasticsearchAppender appender) {
    ElasticsearchAppender.ShippingStatus status = appender.status();
    var stats = appender.stats();
    JsonObject detail = new JsonObject()
        .put("url", status.settings() == null ? null : status.settings().base())
        .put("queued", appender.queued())
        .put("shipped", stats.shipped())
        .put("dropped", stats.dropped())
        .put("rejected", stats.rejected());
    if (status.lastSuccessMillis() > 0) {
      detail.put("lastShipped", Instant.ofEpochMilli(status.lastSuccessMillis()).toString());
    }
    if (status.lastError() != null) {
      detail.put("lastError", status.lastError());
    }
    return detail;
  }
}
