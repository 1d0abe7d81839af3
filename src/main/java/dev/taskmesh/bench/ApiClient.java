package dev.taskmesh.bench;

import dev.taskmesh.run.RunStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Blocking calls for setup and checks (login, tasks, run lists); the measured load goes through LoadGenerator. */
public final class ApiClient {

  private static final int LIST_PAGE = 100;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;
  private String token;

  public ApiClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public ApiClient login(String email, String password) throws Exception {
    JsonObject body = send("POST", "/api/auth/login", new JsonObject().put("email", email).put("password", password), 200);
    token = body.getString("token");
    return this;
  }

  public Map<String, String> authHeaders() {
    return Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  public String createTask(String title, String type, JsonObject input) throws Exception {
    JsonObject task = new JsonObject().put("title", title).put("description", "benchmark").put("type", type)
        .put("input", input).put("priority", "medium");
    return send("POST", "/api/tasks", task, 201).getString("id");
  }

  public String launch(String taskId) throws Exception {
    return send("POST", "/api/tasks/" + taskId + "/runs", new JsonObject(), 202).getString("id");
  }

  /** How many runs of the task are in the given status (the list's {@code total}). */
  public long countRuns(String taskId, String status) throws Exception {
    return send("GET", "/api/runs?taskId=" + taskId + "&status=" + status + "&size=1", null, 200).getLong("total");
  }

  /** How many runs of the task are in a status that is not terminal (queued, pending, running, failed). */
  public long countUnfinishedRuns(String taskId) throws Exception {
    return countRunsWhereTerminalIs(taskId, false);
  }

  /** How many runs of the task are in a terminal status (completed, dead, cancelled). */
  public long countFinishedRuns(String taskId) throws Exception {
    return countRunsWhereTerminalIs(taskId, true);
  }

  private long countRunsWhereTerminalIs(String taskId, boolean terminal) throws Exception {
    long count = 0;
    for (RunStatus status : RunStatus.values()) {
      count += status.terminal() == terminal ? countRuns(taskId, status.name()) : 0;
    }
    return count;
  }

  /** How many runs, of any task, are in the given status. */
  public long countRuns(String status) throws Exception {
    return send("GET", "/api/runs?status=" + status + "&size=1", null, 200).getLong("total");
  }

  /**
   * Waits until no run is queued, pending or running (at most {@code maxSeconds}), so that a measured
   * phase does not share the CPU with the pipeline still draining an earlier phase's launches.
   */
  public void awaitIdle(int maxSeconds, Progress progress) throws Exception {
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      long busy = countRuns("QUEUED") + countRuns("PENDING") + countRuns("RUNNING");
      if (busy == 0) {
        return;
      }
      progress.show("waiting for the pipeline to drain: " + busy + " run(s) not finished");
      Thread.sleep(500);
    }
  }

  /**
   * Every run of the task, page by page with the list's cursor, so each page costs the store the
   * same. A system from before the cursor gives no {@code next} on a full page: numbered pages then.
   */
  public List<JsonObject> listRuns(String taskId) throws Exception {
    String path = "/api/runs?taskId=" + taskId + "&size=" + LIST_PAGE;
    List<JsonObject> runs = new ArrayList<>();
    JsonObject body = send("GET", path, null, 200);
    while (true) {
      JsonArray items = body.getJsonArray("items");
      items.forEach(item -> runs.add((JsonObject) item));
      String next = body.getString("next");
      if (next != null) {
        body = send("GET", path + "&after=" + next, null, 200);
      } else if (items.size() == LIST_PAGE && runs.size() < body.getLong("total")) {
        return byPageNumber(path, runs, body.getLong("total"));
      } else {
        return runs;
      }
    }
  }

  private List<JsonObject> byPageNumber(String path, List<JsonObject> runs, long total) throws Exception {
    for (int page = 2; runs.size() < total; page++) {
      JsonArray items = send("GET", path + "&page=" + page, null, 200).getJsonArray("items");
      if (items.isEmpty()) {
        break;
      }
      items.forEach(item -> runs.add((JsonObject) item));
    }
    return runs;
  }

  private JsonObject send(String method, String path, JsonObject body, int expected) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
        .header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }
}
