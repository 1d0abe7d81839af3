package dev.taskmesh.api;

import dev.taskmesh.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.ValidatedRequest;
import java.time.Instant;
import java.util.List;

/** Small helpers the route classes share: validated input, paging, JSON answers, the per-caller rate limit. */
final class Requests {

  static final int DEFAULT_SIZE = 20;

  private Requests() {}

  /** The per-caller request limit (user id, or client address when anonymous): 429 with Retry-After above it. */
  static Handler<RoutingContext> rateLimit(RateLimiter limiter) {
    if (!limiter.enabled()) {
      return RoutingContext::next;
    }
    return ctx -> {
      Caller caller = Caller.of(ctx);
      String key = caller != null ? caller.id() : "addr:" + clientAddress(ctx);
      long wait = limiter.acquire(key);
      if (wait > 0) {
        tooMany(ctx, wait, "Too many requests; retry after " + wait + " s.");
        return;
      }
      ctx.next();
    };
  }

  static void tooMany(RoutingContext ctx, long retryAfterSeconds, String detail) {
    ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    Problem.send(ctx, 429, detail);
  }

  /** When a launch refused for memory (by the gateway's guard or the embedded store's) may be sent again. */
  static final long SHORT_OF_MEMORY_RETRY_AFTER_SECONDS = 5;

  /** 503 with Retry-After: a passing condition the client can wait out (the header only if still unsent). */
  static void unavailable(RoutingContext ctx, long retryAfterSeconds, String detail) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    }
    Problem.send(ctx, 503, detail);
  }

  /** The TCP peer; proxies' forwarding headers are not trusted (they are client-controlled). */
  static String clientAddress(RoutingContext ctx) {
    var address = ctx.request().remoteAddress();
    return address == null ? "unknown" : address.hostAddress() != null ? address.hostAddress() : address.host();
  }

  static JsonObject body(RoutingContext ctx) {
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    if (validated != null && validated.getBody() != null && validated.getBody().get() instanceof JsonObject json) {
      return json;
    }
    JsonObject body = ctx.body().asJsonObject();
    return body == null ? new JsonObject() : body;
  }

  static String query(RoutingContext ctx, String name) {
    List<String> values = ctx.queryParam(name);
    return values.isEmpty() ? null : values.get(0);
  }

  static int intQuery(RoutingContext ctx, String name, int defaultValue) {
    String value = query(ctx, name);
    return value == null ? defaultValue : Integer.parseInt(value);
  }

  static Instant instantQuery(RoutingContext ctx, String name) {
    String value = query(ctx, name);
    return value == null ? null : java.time.OffsetDateTime.parse(value).toInstant();
  }

  static boolean ascending(RoutingContext ctx) {
    return "asc".equals(query(ctx, "order"));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  static void created(RoutingContext ctx, int status, String location, JsonObject body) {
    ctx.response().putHeader("Location", location);
    json(ctx, status, body);
  }

  static JsonObject page(List<JsonObject> items, int page, int size, long total) {
    return new JsonObject().put("items", new JsonArray(items)).put("page", page).put("size", size).put("total", total);
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end(Buffer.buffer());
  }
}
