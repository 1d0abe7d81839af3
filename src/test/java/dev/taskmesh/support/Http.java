package dev.taskmesh.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A small blocking HTTP client for tests that talk to a process from outside. */
public final class Http {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public Http(int port) {
    this(port, null);
  }

  /** Every request carries {@code Authorization: Bearer <token>} when a token is given. */
  public Http(int port, String token) {
    this.token = token;
    this.base = "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> get(String path) throws Exception {
    return client.send(authorized(HttpRequest.newBuilder(URI.create(base + path))).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> postJson(String path, JsonObject body) throws Exception {
    return client.send(authorized(HttpRequest.newBuilder(URI.create(base + path))).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls a JSON resource until it satisfies {@code done}; fails with the last body after the timeout. */
  public JsonObject awaitJson(String path, Predicate<JsonObject> done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = get(path);
      last = response.statusCode() + " " + response.body();
      if (response.statusCode() == 200) {
        JsonObject json = new JsonObject(response.body());
        if (done.test(json)) {
          return json;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Condition not met within " + timeout + " on " + path + "; last: " + last);
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }
}
