package dev.taskmesh.deploy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Every HTTP call of the multi-process proof, in one place so that it follows the gateway's routes:
 * launching a run and reading its status. Blocking; one instance per base URL.
 */
final class ProofClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String base;

  ProofClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Outcome of one launch: the run id when the gateway accepted it with a 2xx, else the status seen. */
  record Launch(Optional<String> runId, int status, String detail) {}

  Launch launch(long sleepMillis) {
    JsonObject body = new JsonObject().put("type", "sleep").put("input", new JsonObject().put("millis", sleepMillis));
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs"))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return new Launch(Optional.of(new JsonObject(response.body()).getString("id")), response.statusCode(), "");
      }
      return new Launch(Optional.empty(), response.statusCode(), response.body());
    } catch (Exception e) { // connection reset by a killed process: not accepted, so not in the ledger
      return new Launch(Optional.empty(), -1, e.toString());
    }
  }

  /** The run's status as the store has it, or empty if it cannot be read right now. */
  Optional<String> status(String runId) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + runId))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(new JsonObject(response.body()).getString("status")) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
