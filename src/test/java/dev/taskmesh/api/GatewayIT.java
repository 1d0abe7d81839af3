package dev.taskmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.Mongo;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.support.ApiClient;
import dev.taskmesh.support.ApiClient.Response;
import dev.taskmesh.support.InProcessApp;
import dev.taskmesh.support.Jwts;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST gateway against the real embedded broker and store: every route's happy path, then the
 * OWASP API Security Top 10 (2023) cases that apply. One application for the whole class.
 */
class GatewayIT {

  static final String SECRET = "gateway-it-secret-0123456789abcdef-0123456789";
  static final Duration DONE = Duration.ofSeconds(30);

  static InProcessApp app;
  static ApiClient api;
  static String admin;
  static String alice;
  static String bob;
  static String aliceId;

  @BeforeAll
  static void start() throws Exception {
    app = InProcessApp.start(Map.of("JWT_SECRET", SECRET, "RATE_LIMIT_PER_MINUTE", "1000", "BODY_LIMIT_BYTES", "4096",
        "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "30", "API_INSTANCES", "2", "KAFKA_PARTITIONS", "2", "OUTBOX_SWEEP_MS", "500"));
    api = new ApiClient(app.port());
    admin = api.login(InProcessApp.ADMIN_EMAIL, InProcessApp.ADMIN_PASSWORD);
    aliceId = createUser("alice", "registered").getString("id");
    createUser("bob", "registered");
    alice = api.login("alice@example.org", "alice-password");
    bob = api.login("bob@example.org", "bob-password");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  static JsonObject createUser(String name, String role) {
    Response created = api.post("/api/users", admin, new JsonObject()
        .put("email", name + "@example.org").put("name", name).put("password", name + "-password").put("role", role));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  static JsonObject createTask(String token, String type, JsonObject input) {
    Response created = api.post("/api/tasks", token, new JsonObject().put("title", "t-" + UUID.randomUUID()).put("type", type).put("input", input));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  static JsonObject launch(String token, String taskId) {
    Response accepted = api.post("/api/tasks/" + taskId + "/runs", token, null);
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
    return accepted.json();
  }

  // ---------------------------------------------------------------- happy paths

  @Test
  void loginBothRoutesAndMe() {
    Response login = api.post("/api/login", null, new JsonObject().put("email", "ALICE@example.org").put("password", "alice-password"));
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.json().getString("tokenType")).isEqualTo("Bearer");
    assertThat(Instant.parse(login.json().getString("expiresAt"))).isAfter(Instant.now());
    JsonObject me = api.get("/api/users/me", login.json().getString("token")).json();
    assertThat(me.getString("email")).isEqualTo("alice@example.org");
    assertThat(me.getString("role")).isEqualTo("registered");
    assertThat(api.post("/api/auth/login", null, new JsonObject().put("email", "alice@example.org").put("password", "nope-nope")).status()).isEqualTo(401);
  }

  @Test
  void adminManagesUsers() {
    JsonObject carol = createUser("carol", "invited");
    String id = carol.getString("id");
    assertThat(api.get("/api/users/" + id, admin).json().getString("role")).isEqualTo("invited");
    JsonObject page = api.get("/api/users?page=1&size=2&q=example.org", admin).json();
    assertThat(page.getInteger("size")).isEqualTo(2);
    assertThat(page.getJsonArray("items")).hasSize(2);
    assertThat(page.getLong("total")).isGreaterThanOrEqualTo(3);
    Response promoted = api.patch("/api/users/" + id, admin, new JsonObject().put("role", "registered").put("name", "Carol"));
    assertThat(promoted.json().getString("role")).isEqualTo("registered");
    assertThat(promoted.json().getString("name")).isEqualTo("Carol");
    assertThat(api.post("/api/users", admin, new JsonObject().put("email", "carol@example.org").put("name", "x").put("password", "12345678")).status())
        .isEqualTo(409);
    assertThat(api.delete("/api/users/" + id, admin).status()).isEqualTo(204);
    assertThat(api.get("/api/users/" + id, admin).status()).isEqualTo(404);
  }

  @Test
  void aUserChangesOwnNameAndPasswordButNeverTheirRole() {
    createUser("dave", "registered");
    String dave = api.login("dave@example.org", "dave-password");
    String id = api.get("/api/users/me", dave).json().getString("id");
    assertThat(api.patch("/api/users/" + id, dave, new JsonObject().put("name", "David")).json().getString("name")).isEqualTo("David");
    assertThat(api.patch("/api/users/" + id, dave, new JsonObject().put("role", "admin")).status()).isEqualTo(403);
    assertThat(api.patch("/api/users/" + id, dave, new JsonObject().put("password", "new-password-1")).status()).isEqualTo(400);
    assertThat(api.patch("/api/users/" + id, dave, new JsonObject().put("password", "new-password-1").put("currentPassword", "wrong-one")).status())
        .isEqualTo(403);
    assertThat(api.patch("/api/users/" + id, dave, new JsonObject().put("password", "new-password-1").put("currentPassword", "dave-password")).status())
        .isEqualTo(200);
    // A password change ends the sessions that were open before it.
    assertThat(api.get("/api/users/me", dave).status()).isEqualTo(401);
    assertThat(api.get("/api/users/me", api.login("dave@example.org", "new-password-1")).json().getString("role")).isEqualTo("registered");
  }

  @Test
  void tasksCrudListSearchAndSort() {
    String token = api.login("bob@example.org", "bob-password");
    JsonObject low = api.post("/api/tasks", token, new JsonObject().put("title", "Zebra prices").put("description", "find the cheapest zebra")
        .put("type", "sleep").put("priority", "low")).json();
    JsonObject high = api.post("/api/tasks", token, new JsonObject().put("title", "apple count").put("type", "primes")
        .put("input", new JsonObject().put("n", 50)).put("priority", "high")).json();
    assertThat(low.getJsonObject("input")).isEqualTo(new JsonObject());
    assertThat(api.get("/api/tasks/" + high.getString("id"), token).json().getString("title")).isEqualTo("apple count");

    JsonObject search = api.get("/api/tasks?q=ZEBRA", token).json();
    assertThat(search.getJsonArray("items")).extracting(o -> ((JsonObject) o).getString("id")).containsExactly(low.getString("id"));
    JsonObject byPriority = api.get("/api/tasks?sort=priority&order=desc&size=100", token).json();
    List<String> priorities = byPriority.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("priority")).toList();
    assertThat(priorities.indexOf("high")).isLessThan(priorities.indexOf("low"));
    assertThat(api.get("/api/tasks?type=primes&priority=high", token).json().getJsonArray("items")).hasSize(1);
    assertThat(api.get("/api/tasks?q=.*", token).json().getJsonArray("items")).isEmpty();

    Response changed = api.patch("/api/tasks/" + low.getString("id"), token, new JsonObject().put("priority", "medium").put("input", new JsonObject().put("millis", 5)));
    assertThat(changed.json().getString("priority")).isEqualTo("medium");
    assertThat(changed.json().getJsonObject("input").getInteger("millis")).isEqualTo(5);
    Response invalid = api.patch("/api/tasks/" + low.getString("id"), token, new JsonObject().put("input", new JsonObject().put("millis", "soon")));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().getJsonArray("errors").encode()).contains("input.millis");
    assertThat(api.delete("/api/tasks/" + low.getString("id"), token).status()).isEqualTo(204);
    assertThat(api.get("/api/tasks/" + low.getString("id"), token).status()).isEqualTo(404);

    JsonObject types = api.get("/api/task-types", null).json();
    assertThat(types.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("type")).toList()).contains("sleep", "primes");
  }

  @Test
  void launchBothRoutesRunToCompletionAndShowUpInEveryList() {
    JsonObject task = createTask(alice, "primes", new JsonObject().put("n", 1000));
    Response accepted = api.post("/api/tasks/" + task.getString("id") + "/runs", alice, null);
    assertThat(accepted.status()).isEqualTo(202);
    JsonObject run = accepted.json();
    assertThat(accepted.header("Location")).isEqualTo("/api/runs/" + run.getString("id"));
    assertThat(run.getString("status")).isEqualTo("QUEUED");
    assertThat(run.fieldNames()).contains("id", "taskId", "type", "status", "attempt", "maxAttempts", "input", "result", "error",
        "launchedBy", "createdAt", "startedAt", "finishedAt", "traceId");
    assertThat(run.getString("launchedBy")).isEqualTo(aliceId);
    JsonObject done = api.await("/api/runs/" + run.getString("id"), alice, r -> r.getString("status").equals("COMPLETED"), DONE);
    assertThat(done.getJsonObject("result").getInteger("primes")).isEqualTo(168);

    Response alias = api.post("/api/tasks/launch/" + task.getString("id"), alice, null);
    assertThat(alias.status()).isEqualTo(202);

    JsonObject ofTask = api.get("/api/tasks/" + task.getString("id") + "/runs", alice).json();
    assertThat(ofTask.getLong("total")).isEqualTo(2);
    JsonObject completed = api.get("/api/runs?status=COMPLETED&taskId=" + task.getString("id"), alice).json();
    // The alias's run may or may not have completed by now; the first one has.
    assertThat(completed.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList()).contains(run.getString("id"));
    assertThat(completed.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("status")).distinct().toList()).containsExactly("COMPLETED");
    String from = Instant.now().minusSeconds(600).toString();
    assertThat(api.get("/api/histories?taskId=" + task.getString("id") + "&from=" + from + "&sort=created&order=asc", alice).json().getLong("total")).isEqualTo(2);
    assertThat(api.get("/api/runs?taskId=" + task.getString("id") + "&to=" + Instant.now().minusSeconds(600), alice).json().getLong("total")).isZero();
  }

  @Test
  void anIdempotencyKeyLaunchesOnce() {
    JsonObject task = createTask(alice, "sleep", new JsonObject());
    String key = "key-" + UUID.randomUUID();
    Response first = api.send(api.request("/api/tasks/" + task.getString("id") + "/runs", alice).header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    Response second = api.send(api.request("/api/tasks/" + task.getString("id") + "/runs", alice).header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(first.status()).isEqualTo(202);
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(api.get("/api/tasks/" + task.getString("id") + "/runs", alice).json().getLong("total")).isEqualTo(1);
    // The same key from another caller is another key.
    JsonObject bobTask = createTask(bob, "sleep", new JsonObject());
    Response other = api.send(api.request("/api/tasks/" + bobTask.getString("id") + "/runs", bob).header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(other.status()).isEqualTo(202);
    assertThat(other.json().getString("id")).isNotEqualTo(first.json().getString("id"));
  }

  @Test
  void aBatchLaunchQueuesEveryRunAndEachCompletes() {
    JsonObject task = createTask(alice, "sleep", new JsonObject());
    String taskPath = "/api/tasks/" + task.getString("id");
    Response batch = api.post(taskPath + "/runs/batch", alice, new JsonObject().put("count", 25));
    assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
    assertThat(batch.header("Location")).isEqualTo(taskPath + "/runs");
    assertThat(batch.json().getInteger("accepted")).isEqualTo(25);
    assertThat(batch.json().getInteger("failed")).isZero();
    List<String> ids = batch.json().getJsonArray("runIds").stream().map(String.class::cast).toList();
    assertThat(ids).hasSize(25).doesNotHaveDuplicates();
    assertThat(ids).as("launch order is id order (time-ordered ids)").isSorted();
    for (String id : ids) {
      JsonObject run = api.await("/api/runs/" + id, alice, r -> r.getString("status").equals("COMPLETED"), DONE);
      assertThat(run.getString("taskId")).isEqualTo(task.getString("id"));
      assertThat(run.getString("launchedBy")).isEqualTo(aliceId);
    }
    assertThat(api.get(taskPath + "/runs", alice).json().getLong("total")).isEqualTo(25);

    // Paged with the cursor: each full page names the next; newest first, every run once.
    List<String> paged = new java.util.ArrayList<>();
    JsonObject page = api.get(taskPath + "/runs?size=10", alice).json();
    while (true) {
      page.getJsonArray("items").forEach(item -> paged.add(((JsonObject) item).getString("id")));
      assertThat(page.getLong("total")).isEqualTo(25);
      if (page.getString("next") == null) {
        break;
      }
      page = api.get(taskPath + "/runs?size=10&after=" + page.getString("next"), alice).json();
      assertThat(page.containsKey("page")).as("a cursor's page has no number").isFalse();
    }
    List<String> newestFirst = new java.util.ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    assertThat(paged).containsExactlyElementsOf(newestFirst);
    Response both = api.get("/api/runs?page=2&after=" + ids.get(3), alice);
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().getString("detail")).contains("either page or after");
    Response otherOrder = api.get("/api/runs?sort=status&after=" + ids.get(3), alice);
    assertThat(otherOrder.status()).isEqualTo(400);
    assertThat(otherOrder.json().getString("detail")).contains("creation order only");
  }

  @Test
  void aBatchLaunchRefusesWhatASingleLaunchRefusesAndSaysWhy() {
    JsonObject task = createTask(alice, "sleep", new JsonObject());
    String path = "/api/tasks/" + task.getString("id") + "/runs/batch";
    for (JsonObject body : List.of(new JsonObject().put("count", 0), new JsonObject().put("count", 501), new JsonObject(),
        new JsonObject().put("count", 2).put("extra", true))) {
      Response refused = api.post(path, alice, body);
      assertThat(refused.status()).as(body + " -> " + refused).isEqualTo(400);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }
    Response keyed = api.send(api.request(path, alice).header("Idempotency-Key", "k-" + UUID.randomUUID()).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"count\":2}")));
    assertThat(keyed.status()).isEqualTo(400);
    assertThat(keyed.json().getString("detail")).contains("Idempotency-Key");
    assertThat(api.post(path, bob, new JsonObject().put("count", 2)).status()).as("another user's task").isEqualTo(404);
    assertThat(api.get("/api/tasks/" + task.getString("id") + "/runs", alice).json().getLong("total")).isZero();
  }

  @Test
  void cancelStopsALongRunAndTheStreamSeesIt() throws Exception {
    JsonObject task = createTask(alice, "sleep", new JsonObject().put("millis", 60_000));
    JsonObject run = launch(alice, task.getString("id"));
    String id = run.getString("id");
    try (ApiClient.EventStream events = api.stream("/api/runs/" + id + "/events", alice)) {
      assertThat(events.status()).isEqualTo(200);
      api.await("/api/runs/" + id, alice, r -> r.getString("status").equals("RUNNING"), DONE);
      Response cancelled = api.post("/api/runs/" + id + "/cancel", alice, null);
      assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
      assertThat(cancelled.json().getString("status")).isEqualTo("CANCELLED");
      List<JsonObject> seen = events.until(e -> e.getString("status").equals("CANCELLED"), DONE);
      assertThat(seen.get(0).getString("runId")).isEqualTo(id);
    }
    assertThat(api.post("/api/runs/" + id + "/cancel", alice, null).status()).isEqualTo(409);
    assertThat(api.get("/api/runs/" + id, alice).json().getString("status")).isEqualTo("CANCELLED");
  }

  @Test
  void aDeadRunIsRetriedOthersAreRefused() {
    JsonObject task = createTask(alice, "primes", new JsonObject().put("n", 100));
    String completedId = launch(alice, task.getString("id")).getString("id");
    api.await("/api/runs/" + completedId, alice, r -> r.getString("status").equals("COMPLETED"), DONE);
    Response refused = api.post("/api/runs/" + completedId + "/retry", alice, null);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.json().getString("detail")).contains("Only a DEAD run");
    // No offline task type dies on demand: store a run as the worker leaves it after its last attempt.
    String id = UUID.randomUUID().toString();
    Instant now = Instant.now();
    new RunRepository(Mongo.client(app.vertx(), app.application().config())).insert(new dev.taskmesh.run.Run(id, task.getString("id"), "primes",
        dev.taskmesh.run.RunStatus.DEAD, 3, 3, new JsonObject().put("n", 100), null, "boom", aliceId, now, now, now, null, false)).await();
    assertThat(api.post("/api/runs/" + id + "/retry", bob, null).status()).isEqualTo(404);
    Response retried = api.post("/api/runs/" + id + "/retry", alice, null);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
    assertThat(retried.json().getString("status")).isEqualTo("QUEUED");
    assertThat(retried.json().getInteger("attempt")).isEqualTo(4);
    JsonObject done = api.await("/api/runs/" + id, alice, r -> r.getString("status").equals("COMPLETED"), DONE);
    assertThat(done.getInteger("attempt")).isEqualTo(4);
    assertThat(done.getString("error")).isNull();
    assertThat(api.post("/api/runs/" + id + "/retry", alice, null).status()).isEqualTo(409);
  }

  @Test
  void theGlobalStreamShowsOnlyOwnRunsButAdminsSeeAll() throws Exception {
    JsonObject aliceTask = createTask(alice, "sleep", new JsonObject());
    JsonObject bobTask = createTask(bob, "sleep", new JsonObject());
    try (ApiClient.EventStream bobs = api.stream("/api/events", bob); ApiClient.EventStream admins = api.stream("/api/events", admin)) {
      assertThat(bobs.status()).isEqualTo(200);
      assertThat(admins.status()).isEqualTo(200);
      Thread.sleep(300);
      String aliceRun = launch(alice, aliceTask.getString("id")).getString("id");
      api.await("/api/runs/" + aliceRun, alice, r -> r.getString("status").equals("COMPLETED"), DONE);
      String bobRun = launch(bob, bobTask.getString("id")).getString("id");
      List<JsonObject> bobSaw = bobs.until(e -> e.getString("runId").equals(bobRun) && e.getString("status").equals("COMPLETED"), DONE);
      assertThat(bobSaw).allMatch(e -> e.getString("runId").equals(bobRun));
      List<JsonObject> adminSaw = admins.until(e -> e.getString("runId").equals(bobRun) && e.getString("status").equals("COMPLETED"), DONE);
      assertThat(adminSaw).anyMatch(e -> e.getString("runId").equals(aliceRun));
    }
  }

  @Test
  void docsAndContractAreServedLocally() {
    Response yaml = api.get("/openapi.yaml", null);
    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.body()).contains("openapi: 3.1.0");
    assertThat(api.get("/openapi.json", null).json().getJsonObject("paths").fieldNames()).contains("/api/runs/{id}");
    Response index = api.get("/docs/", null);
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.body()).contains("swagger-ui-bundle.js").doesNotContain("https://");
    assertThat(api.get("/docs/swagger-ui-bundle.js", null).status()).isEqualTo(200);
    assertThat(api.get("/docs/swagger-initializer.js", null).body()).contains("/openapi.yaml");
  }

  @Test
  void securityHeadersAndRequestIdOnEveryResponse() {
    Response ok = api.send(api.request("/api/tasks", alice).header("X-Request-Id", "client-abc.123").GET());
    assertThat(ok.header("X-Request-Id")).isEqualTo("client-abc.123");
    for (Response response : List.of(ok, api.get("/api/nowhere", null), api.get("/health/live", null))) {
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(response.header("Content-Security-Policy")).isNotNull();
      assertThat(response.header("X-Request-Id")).isNotBlank();
    }
    Response injected = api.send(api.request("/api/tasks", alice).header("X-Request-Id", "bad id\twith spaces").GET());
    assertThat(injected.header("X-Request-Id")).matches("[0-9a-f]{16}");
    assertThat(ok.header("Access-Control-Allow-Origin")).isNull();
  }

  // ---------------------------------------------------------------- API1: object level authorization

  @Test
  void api1_userBCannotTouchUserAsTasksOrRuns() throws Exception {
    JsonObject task = createTask(alice, "sleep", new JsonObject().put("millis", 30_000));
    String taskId = task.getString("id");
    String runId = launch(alice, taskId).getString("id");
    assertThat(api.get("/api/tasks/" + taskId, bob).status()).isEqualTo(404);
    assertThat(api.patch("/api/tasks/" + taskId, bob, new JsonObject().put("title", "mine")).status()).isEqualTo(404);
    assertThat(api.delete("/api/tasks/" + taskId, bob).status()).isEqualTo(404);
    assertThat(api.post("/api/tasks/" + taskId + "/runs", bob, null).status()).isEqualTo(404);
    assertThat(api.post("/api/tasks/launch/" + taskId, bob, null).status()).isEqualTo(404);
    assertThat(api.get("/api/tasks/" + taskId + "/runs", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/runs/" + runId, bob).status()).isEqualTo(404);
    assertThat(api.get("/api/runs/" + runId + "/result", bob).status()).isEqualTo(404);
    assertThat(api.get("/api/runs/" + runId + "/result", alice).status()).isEqualTo(200);
    assertThat(api.post("/api/runs/" + runId + "/cancel", bob, null).status()).isEqualTo(404);
    assertThat(api.post("/api/runs/" + runId + "/retry", bob, null).status()).isEqualTo(404);
    try (ApiClient.EventStream stream = api.stream("/api/runs/" + runId + "/events", bob)) {
      assertThat(stream.status()).isEqualTo(404);
    }
    // The same answer as for an id that does not exist: no existence leak.
    assertThat(api.get("/api/runs/" + UUID.randomUUID(), bob).json().getString("title")).isEqualTo("Not Found");
    assertThat(api.get("/api/tasks?owner=" + aliceId + "&size=100", bob).json().getJsonArray("items"))
        .allMatch(o -> !((JsonObject) o).getString("owner").equals(aliceId));
    assertThat(api.get("/api/runs?launchedBy=" + aliceId + "&size=100", bob).json().getJsonArray("items"))
        .allMatch(o -> !((JsonObject) o).getString("launchedBy").equals(aliceId));
    assertThat(api.get("/api/histories?size=100", bob).json().getJsonArray("items"))
        .allMatch(o -> !((JsonObject) o).getString("launchedBy").equals(aliceId));
    // Nothing changed.
    assertThat(api.get("/api/tasks/" + taskId, alice).json().getString("title")).isEqualTo(task.getString("title"));
    assertThat(api.get("/api/tasks/" + taskId + "/runs", alice).json().getLong("total")).isEqualTo(1);
    assertThat(api.get("/api/runs/" + runId, alice).json().getString("status")).isNotEqualTo("CANCELLED");
    // The admin sees it.
    assertThat(api.get("/api/runs/" + runId, admin).status()).isEqualTo(200);
    assertThat(api.get("/api/tasks?owner=" + aliceId, admin).json().getLong("total")).isGreaterThanOrEqualTo(1);
    api.post("/api/runs/" + runId + "/cancel", alice, null);
  }

  @Test
  void api1_invitedUsersReadButNeverWrite() {
    createUser("ivy", "invited");
    String ivy = api.login("ivy@example.org", "ivy-password");
    assertThat(api.get("/api/tasks", ivy).status()).isEqualTo(200);
    assertThat(api.get("/api/runs", ivy).status()).isEqualTo(200);
    assertThat(api.post("/api/tasks", ivy, new JsonObject().put("title", "x").put("type", "sleep")).status()).isEqualTo(403);
  }

  // ---------------------------------------------------------------- API2: broken authentication

  @Test
  void api2_everyBadTokenIs401AndChangesNothing() {
    JsonObject header = Jwts.part(alice, 0);
    JsonObject claims = Jwts.part(alice, 1);
    byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    String[] bad = {
        Jwts.unsigned(claims),
        Jwts.unsigned(claims).replaceFirst("\\.$", ""),
        Jwts.hs256(header, claims.copy().put("exp", (Object) null), key).replace("", ""),
        Jwts.hs256(header, withoutExp(claims), key),
        Jwts.hs256(header, claims.copy().put("exp", now - 3600).put("iat", now - 7200), key),
        Jwts.hs256(header, claims.copy().put("nbf", now + 3600), key),
        Jwts.hs256(header, claims.copy().put("iss", "someone-else"), key),
        Jwts.hs256(header, claims.copy().put("aud", "another-api"), key),
        Jwts.hs256(header, claims, "a-different-secret-of-enough-length-1234567".getBytes(StandardCharsets.UTF_8)),
        Jwts.hs256(header.copy().put("kid", "unknown-kid"), claims, key),
        Jwts.hs256(header.copy().put("alg", "HS512"), claims, key),
        "not.a.jwt",
        "eyJhbGciOiJIUzI1NiJ9",
        alice + "x".repeat(9000),
        tamper(alice, claims.copy().put("role", "admin")),
    };
    long tasksBefore = api.get("/api/tasks?size=1", alice).json().getLong("total");
    for (int i = 0; i < bad.length; i++) {
      Response read = api.get("/api/users/me", bad[i]);
      assertThat(read.status()).as("token #" + i + ": " + read).isEqualTo(401);
      assertThat(read.header("Content-Type")).isEqualTo("application/problem+json");
      Response write = api.post("/api/tasks", bad[i], new JsonObject().put("title", "forged").put("type", "sleep"));
      assertThat(write.status()).as("token #" + i).isEqualTo(401);
    }
    assertThat(api.get("/api/tasks", null).status()).isEqualTo(401);
    assertThat(api.send(api.request("/api/tasks", null).header("Authorization", "Basic YTpi").GET()).status()).isEqualTo(401);
    assertThat(api.get("/api/tasks?size=1", alice).json().getLong("total")).isEqualTo(tasksBefore);
  }

  static JsonObject withoutExp(JsonObject claims) {
    JsonObject copy = claims.copy();
    copy.remove("exp");
    return copy;
  }

  static String tamper(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + Jwts.b64(claims.encode()) + "." + parts[2];
  }

  @Test
  void api2_failedLoginsAreLimitedPerAccount() {
    createUser("erin", "registered");
    JsonObject wrong = new JsonObject().put("email", "erin@example.org").put("password", "wrong-password");
    for (int i = 0; i < 5; i++) {
      assertThat(api.post("/api/auth/login", null, wrong).status()).isEqualTo(401);
    }
    Response limited = api.post("/api/auth/login", null, new JsonObject().put("email", "erin@example.org").put("password", "erin-password"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
    assertThat(limited.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void api2_failedLoginsAreLimitedPerClientAddress() throws Exception {
    // Another loopback address is another client: the limit of 30 failures a minute holds across accounts.
    int status = 0;
    int attempts = 0;
    while (attempts < 31 && status != 429) {
      attempts++;
      status = api.rawStatusFrom("127.0.0.2", "POST", "/api/auth/login", "application/json",
          new JsonObject().put("email", "nobody" + attempts + "@example.org").put("password", "whatever-1").encode());
    }
    assertThat(status).isEqualTo(429);
    assertThat(attempts).isEqualTo(31);
    // The correct password from that address is refused too, while other addresses still log in.
    assertThat(api.rawStatusFrom("127.0.0.2", "POST", "/api/auth/login", "application/json",
        new JsonObject().put("email", "bob@example.org").put("password", "bob-password").encode())).isEqualTo(429);
    assertThat(api.login("bob@example.org", "bob-password")).isNotBlank();
  }

  // ---------------------------------------------------------------- API3: property level authorization

  @Test
  void api3_clientsCannotSetOwnerIdStatusOrRole() {
    Response withOwner = api.post("/api/tasks", alice, new JsonObject().put("title", "x").put("type", "sleep").put("owner", "someone"));
    assertThat(withOwner.status()).isEqualTo(400);
    assertThat(withOwner.json().getJsonArray("errors").encode()).contains("owner");
    assertThat(api.post("/api/tasks", alice, new JsonObject().put("title", "x").put("type", "sleep").put("id", "chosen")).status()).isEqualTo(400);
    JsonObject task = createTask(alice, "sleep", new JsonObject());
    assertThat(api.patch("/api/tasks/" + task.getString("id"), alice, new JsonObject().put("owner", "x")).status()).isEqualTo(400);
    assertThat(api.patch("/api/tasks/" + task.getString("id"), alice, new JsonObject().put("status", "COMPLETED")).status()).isEqualTo(400);
    assertThat(api.patch("/api/users/" + aliceId, alice, new JsonObject().put("role", "admin")).status()).isEqualTo(403);
    assertThat(api.post("/api/users", admin, new JsonObject().put("email", "z@example.org").put("name", "z").put("password", "12345678")
        .put("passwordHash", "$argon2id$forged")).status()).isEqualTo(400);
    // A launch body cannot choose status or launcher: the run is QUEUED and the caller's.
    Response launched = api.post("/api/tasks/" + task.getString("id") + "/runs", alice,
        new JsonObject().put("status", "COMPLETED").put("launchedBy", "someone"));
    assertThat(launched.json().getString("status")).isEqualTo("QUEUED");
    assertThat(launched.json().getString("launchedBy")).isEqualTo(aliceId);
  }

  @Test
  void api3_noResponseEverContainsAPasswordHash() {
    List<Response> responses = List.of(
        api.get("/api/users?size=100", admin), api.get("/api/users/me", alice), api.get("/api/users/" + aliceId, admin),
        api.patch("/api/users/" + aliceId, admin, new JsonObject().put("name", "Alice")),
        api.post("/api/users", admin, new JsonObject().put("email", "frank@example.org").put("name", "f").put("password", "frank-password")),
        api.post("/api/auth/login", null, new JsonObject().put("email", "alice@example.org").put("password", "alice-password")));
    for (Response response : responses) {
      assertThat(response.status()).as(response.toString()).isLessThan(300);
      assertThat(response.body()).doesNotContainIgnoringCase("passwordHash").doesNotContain("$argon2");
    }
  }

  // ---------------------------------------------------------------- API4: resource consumption

  @Test
  void api4_bodyLimitPageSizeCapAndRateLimit() {
    String big = "x".repeat(5000);
    Response tooLarge = api.post("/api/tasks", alice, new JsonObject().put("title", "x").put("type", "sleep").put("description", big));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.header("Content-Type")).isEqualTo("application/problem+json");
    Response tooMany = api.get("/api/runs?size=101", alice);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().getJsonArray("errors").encode()).contains("size");
    assertThat(api.get("/api/tasks?size=100", alice).status()).isEqualTo(200);

    createUser("greedy", "registered");
    String greedy = api.login("greedy@example.org", "greedy-password");
    Response last = null;
    for (int i = 0; i < 1001; i++) {
      last = api.get("/api/users/me", greedy);
      if (last.status() == 429) {
        break;
      }
    }
    assertThat(last.status()).isEqualTo(429);
    assertThat(last.header("Retry-After")).isNotNull();
    assertThat(api.get("/api/users/me", alice).status()).isEqualTo(200);
  }

  @Test
  void api4_wrongContentTypeIs415AndMalformedJsonIs400() {
    Response plain = api.send(api.request("/api/tasks", alice).header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("hi")));
    assertThat(plain.status()).isEqualTo(415);
    Response broken = api.send(api.request("/api/tasks", alice).header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"title\":")));
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.header("Content-Type")).isEqualTo("application/problem+json");
  }

  // ---------------------------------------------------------------- API5: function level authorization

  @Test
  void api5_everyAdminRouteAsARegisteredUserIs403() {
    assertThat(api.get("/api/users", alice).status()).isEqualTo(403);
    assertThat(api.post("/api/users", alice, new JsonObject().put("email", "h@example.org").put("name", "h").put("password", "12345678")).status())
        .isEqualTo(403);
    String bobId = api.get("/api/users/me", bob).json().getString("id");
    assertThat(api.delete("/api/users/" + bobId, alice).status()).isEqualTo(403);
    assertThat(api.patch("/api/users/" + aliceId, alice, new JsonObject().put("role", "admin")).status()).isEqualTo(403);
    assertThat(api.get("/api/admin/dead-letters", alice).status()).isEqualTo(403);
    assertThat(api.post("/api/admin/dead-letters/replay", alice, null).status()).isEqualTo(403);
    assertThat(api.post("/api/admin/dead-letters/" + UUID.randomUUID() + "/replay", alice, null).status()).isEqualTo(403);
    assertThat(api.get("/api/admin/dead-letters?size=5", admin).status()).isEqualTo(200);
    // Someone else's account is not even visible.
    assertThat(api.get("/api/users/" + bobId, alice).status()).isEqualTo(404);
    assertThat(api.get("/api/users/me", bob).status()).isEqualTo(200);
  }

  // ---------------------------------------------------------------- API8/9: misconfiguration, inventory

  @Test
  void api8_errorsAreProblemsWithoutStackTraces() {
    List<Response> errors = List.of(
        api.get("/api/nowhere", alice),
        api.delete("/api/task-types", alice),
        api.get("/api/runs/" + "x".repeat(100), alice),
        api.get("/api/runs?from=yesterday", alice),
        api.send(api.request("/api/tasks", alice).header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("[1,2"))));
    assertThat(errors).extracting(Response::status).containsExactly(404, 405, 400, 400, 400);
    for (Response error : errors) {
      assertThat(error.header("Content-Type")).isEqualTo("application/problem+json");
      JsonObject problem = error.json();
      assertThat(problem.fieldNames()).contains("type", "title", "status", "detail");
      assertThat(error.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.taskmesh");
    }
  }

  @Test
  void api9_everyDocumentedOperationIsRoutedAndNothingElseUnderApi() {
    JsonObject paths = api.get("/openapi.json", null).json().getJsonObject("paths");
    String fake = UUID.randomUUID().toString();
    int checked = 0;
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        String concrete = path.replace("{id}", fake);
        java.net.http.HttpRequest.Builder request = api.request(concrete, alice)
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .method(method.toUpperCase(), java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
        if (concrete.endsWith("/events")) {
          continue; // a stream: covered by its own tests
        }
        Response response = api.send(request);
        assertThat(response.status()).as(method + " " + path + ": " + response).isNotIn(405, 501, 503);
        if (response.status() == 404) {
          assertThat(response.json().getString("detail")).as(method + " " + path).doesNotStartWith("No resource at");
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
    assertThat(api.get("/api/runs", alice).status()).isEqualTo(200);
    assertThat(api.post("/api/runs", alice, new JsonObject().put("type", "sleep")).status()).isEqualTo(405);
  }
}
