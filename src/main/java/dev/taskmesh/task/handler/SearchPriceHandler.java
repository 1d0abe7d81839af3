package dev.taskmesh.task.handler;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The original system's only task type: the cheapest price of the games matching a title, from a
 * CheapShark-compatible API ({@code GET {baseUrl}/api/1.0/games?title=&limit=&exact=}). Each request
 * has a timeout; a failed request is retried (with jittered exponential delay) inside the attempt;
 * a circuit breaker stops hammering an API that keeps failing (calls then fail fast, the run's own
 * retries with backoff take over). The result lists the games sorted by cheapest price.
 */
public final class SearchPriceHandler implements TaskHandler {

  static final int MAX_LIMIT = 60;

  private final AppConfig.SearchPrice settings;
  private final Map<Vertx, Api> apis = new ConcurrentHashMap<>();

  private record Api(WebClient client, CircuitBreaker breaker) {}

  public SearchPriceHandler(AppConfig.SearchPrice settings) {
    this.settings = settings;
  }

  @Override
  public String type() {
    return "search-price";
  }

  @Override
  public String description() {
    return "Cheapest prices of the games matching a title, from a CheapShark-compatible API, sorted by price.";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("title", new JsonObject().put("type", "string").put("minLength", 1).put("maxLength", 200))
            .put("limit", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", MAX_LIMIT).put("default", 10))
            .put("exact", new JsonObject().put("type", "boolean").put("default", false)))
        .put("required", new JsonArray().add("title"));
  }

  /** Every try of the attempt with its timeout and retry delays, plus a margin. */
  @Override
  public Duration timeout() {
    return Duration.ofMillis(settings.timeoutMs() * (settings.retries() + 1L) + 5_000);
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    String title = context.textInput("title", "").trim();
    if (title.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("input.title is required"));
    }
    int limit = Math.min(MAX_LIMIT, Math.max(1, context.intInput("limit", 10)));
    boolean exact = context.booleanInput("exact", false);
    Api api = apis.computeIfAbsent(context.vertx(), this::create);
    return api.breaker().<JsonArray>execute(() -> {
          if (context.isCancelled()) {
            return Future.failedFuture(new CancellationException(context.cancellation().reason()));
          }
          return request(api.client(), title, limit, exact);
        })
        .map(games -> (Object) result(title, games));
  }

  private Future<JsonArray> request(WebClient client, String title, int limit, boolean exact) {
    URI base = settings.baseUrl();
    String path = (base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "")) + "/api/1.0/games";
    boolean tls = "https".equals(base.getScheme());
    int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
    return client.get(port, base.getHost(), path)
        .ssl(tls)
        .addQueryParam("title", title)
        .addQueryParam("limit", Integer.toString(limit))
        .addQueryParam("exact", exact ? "1" : "0")
        .timeout(settings.timeoutMs())
        .send()
        .expecting(HttpResponseExpectation.SC_SUCCESS)
        .map(SearchPriceHandler::games);
  }

  private static JsonArray games(HttpResponse<?> response) {
    try {
      Object body = response.bodyAsBuffer() == null ? null : io.vertx.core.json.Json.decodeValue(response.bodyAsBuffer());
      if (body instanceof JsonArray array) {
        return array;
      }
      throw new PriceApiException("price API answered " + (body == null ? "an empty body" : "a " + body.getClass().getSimpleName()) + ", expected a JSON array");
    } catch (DecodeException e) {
      throw new PriceApiException("price API answered malformed JSON: " + e.getMessage());
    }
  }

  static JsonObject result(String title, JsonArray games) {
    List<JsonObject> priced = new ArrayList<>();
    for (Object item : games) {
      if (!(item instanceof JsonObject game)) {
        continue;
      }
      BigDecimal cheapest = price(game.getValue("cheapest"));
      if (cheapest == null) {
        continue; // a game without a usable price cannot be charted
      }
      priced.add(new JsonObject()
          .put("gameID", game.getValue("gameID"))
          .put("title", game.getString("external", game.getString("internalName", "?")))
          .put("cheapest", cheapest.doubleValue())
          .put("cheapestDealID", game.getString("cheapestDealID"))
          .put("thumb", game.getString("thumb")));
    }
    priced.sort(Comparator.<JsonObject>comparingDouble(g -> g.getDouble("cheapest")).thenComparing(g -> g.getString("title")));
    return new JsonObject()
        .put("title", title)
        .put("currency", "USD")
        .put("count", priced.size())
        .put("games", new JsonArray(new ArrayList<>(priced)));
  }

  private static BigDecimal price(Object raw) {
    try {
      return raw instanceof Number number ? new BigDecimal(number.toString()) : raw instanceof String text ? new BigDecimal(text.trim()) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private Api create(Vertx vertx) {
    WebClient client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("taskmesh/search-price")
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs())));
    CircuitBreaker breaker = CircuitBreaker.create("search-price", vertx, new CircuitBreakerOptions()
            .setMaxFailures(settings.breakerMaxFailures())
            .setMaxRetries(settings.retries())
            .setTimeout(settings.timeoutMs() + 1_000)
            .setResetTimeout(settings.breakerResetMs())
            .setNotificationAddress(null))
        .retryPolicy(RetryPolicy.exponentialDelayWithJitter(50, 1_000));
    return new Api(client, breaker);
  }

  /** The API answered something that is not a list of games. */
  public static final class PriceApiException extends RuntimeException {
    public PriceApiException(String message) {
      super(message, null, false, false);
    }
  }
}
