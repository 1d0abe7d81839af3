package dev.taskmesh.deploy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every HTTP call of the multi-process proof, in one place so that it follows the gateway's routes:
 * log in, create a task, launch a run of it, read a run, and follow the live status stream (SSE).
 * Blocking except the stream; one instance per base URL.
 */
final class ProofClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String base;

  ProofClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Outcome of one launch: the run id when the gateway accepted it with a 2xx, else the status seen. */
  record Launch(Optional<String> runId, int status, String detail) {}

  /** A bearer token for the account; fails the test when the login is refused. */
  String login(String email, String password) throws Exception {
    HttpResponse<String> response = send(post("/api/auth/login", null, new JsonObject().put("email", email).put("password", password)));
    if (response.statusCode() != 200) {
      throw new AssertionError("login refused: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getString("token");
  }

  /** A task of type sleep, whose runs each wait {@code sleepMillis}; returns its id. */
  String createSleepTask(String token, long sleepMillis) throws Exception {
    HttpResponse<String> response = send(post("/api/tasks", token, new JsonObject().put("title", "proof")
        .put("type", "sleep").put("input", new JsonObject().put("millis", sleepMillis))));
    if (response.statusCode() != 201) {
      throw new AssertionError("task not created: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getString("id");
  }

  Launch launch(String token, String taskId) {
    try {
      HttpResponse<String> response = send(post("/api/tasks/" + taskId + "/runs", token, new JsonObject()));
      if (response.statusCode() / 100 == 2) {
        return new Launch(Optional.of(new JsonObject(response.body()).getString("id")), response.statusCode(), "");
      }
      return new Launch(Optional.empty(), response.statusCode(), response.body());
    } catch (Exception e) { // connection closed by a killed process: not accepted, so not in the ledger
      return new Launch(Optional.empty(), -1, e.toString());
    }
  }

  /** The run's status as the store has it, or empty if it cannot be read right now. */
  Optional<String> status(String token, String runId) {
    try {
      HttpResponse<String> response = send(request("/api/runs/" + runId, token).GET());
      return response.statusCode() == 200 ? Optional.of(new JsonObject(response.body()).getString("status")) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  boolean ready() {
    try {
      return send(request("/health/ready", null).GET()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Opens the live status stream ({@code GET /api/events}) and hands every event's JSON to
   * {@code onEvent} from a background thread; completes with the HTTP status once the stream is open.
   */
  CompletableFuture<Integer> openEventStream(String token, Consumer<JsonObject> onEvent) {
    HttpRequest request = request("/api/events", token).version(HttpClient.Version.HTTP_1_1)
        .header("Accept", "text/event-stream").GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
      Stream<String> lines = response.body();
      Thread reader = new Thread(() -> lines.filter(l -> l.startsWith("data:"))
          .forEach(l -> onEvent.accept(new JsonObject(l.substring(5).trim()))), "proof-sse");
      reader.setDaemon(true);
      reader.start();
      return response.statusCode();
    });
  }

  private HttpRequest.Builder request(String path, String token) {
    // The client's default protocol on purpose: Java asks to upgrade to h2c, which the balancer must refuse.
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private HttpRequest.Builder post(String path, String token, JsonObject body) {
    return request(path, token).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
