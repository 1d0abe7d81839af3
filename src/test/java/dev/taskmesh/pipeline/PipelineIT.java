package dev.taskmesh.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.deadletter.DeadLetterRepository;
import dev.taskmesh.deadletter.DeadLetterService;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunCancellation;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.support.Awaits;
import dev.taskmesh.support.PipelineFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pipeline end to end on one shared in-process application: task types, retries, dead letters, duplicates, cancel. */
@Timeout(180)
class PipelineIT {

  private static final long WAIT_MS = 30_000;
  private static Vertx priceVertx;
  private static HttpServer priceApi;
  private static final Map<String, AtomicInteger> priceRequests = new ConcurrentHashMap<>();
  private static PipelineFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    priceVertx = Vertx.vertx();
    priceApi = priceVertx.createHttpServer().requestHandler(request -> {
      String title = String.valueOf(request.getParam("title"));
      priceRequests.computeIfAbsent(title, t -> new AtomicInteger()).incrementAndGet();
      switch (title) {
        case "batman" -> request.response().putHeader("Content-Type", "application/json").end(new JsonArray()
            .add(game("612", "Batman: Arkham City GOTY", "7.49"))
            .add(game("167613", "Batman: Arkham Knight", "3.99"))
            .add(game("7", "Batman", "not-a-price"))
            .add(game("34", "LEGO Batman", "3.99")).encode());
        case "nothing" -> request.response().putHeader("Content-Type", "application/json").end("[]");
        case "broken-api" -> request.response().setStatusCode(500).end("{\"error\":\"boom\"}");
        case "malformed" -> request.response().putHeader("Content-Type", "application/json").end("[{\"gameID\": \"1\", \"cheapest\": ");
        case "slow" -> { } // never answers: the client's timeout ends the request
        default -> request.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").await();
    fixture = PipelineFixture.start(Map.of(
        "SEARCH_PRICE_BASE_URL", "http://127.0.0.1:" + priceApi.actualPort(),
        "SEARCH_PRICE_TIMEOUT_MS", "300",
        "SEARCH_PRICE_RETRIES", "1",
        "SEARCH_PRICE_BREAKER_MAX_FAILURES", "1000",
        "MAX_ATTEMPTS", "3"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (priceVertx != null) {
      priceVertx.close().await();
    }
  }

  private static JsonObject game(String id, String title, String cheapest) {
    return new JsonObject().put("gameID", id).put("steamAppID", null).put("cheapest", cheapest).put("cheapestDealID", "deal-" + id)
        .put("external", title).put("internalName", title.toUpperCase()).put("thumb", "https://example.invalid/" + id + ".jpg");
  }

  @Test
  void everyOfflineTypeCompletesEndToEndWithItsDefaults() throws Exception {
    String tag = "offline-types";
    Run sleep = fixture.launch(tag, "sleep", new JsonObject());
    Run primes = fixture.launch(tag, "primes", new JsonObject().put("n", 1000));
    Run primesDefault = fixture.launch(tag, "primes", new JsonObject());
    Run checksum = fixture.launch(tag, "checksum", new JsonObject().put("sizeBytes", 1000).put("rounds", 2));
    Run checksumDefault = fixture.launch(tag, "checksum", new JsonObject());
    Run words = fixture.launch(tag, "word-count", new JsonObject().put("text", "a b a\nc"));
    Run wordsDefault = fixture.launch(tag, "word-count", new JsonObject());
    Run fail = fixture.launch(tag, "fail", new JsonObject());

    assertThat(fixture.awaitFinal(sleep.id(), WAIT_MS).getJsonObject("result").getLong("sleptMillis")).isZero();
    assertThat(fixture.awaitFinal(primes.id(), WAIT_MS).getJsonObject("result").getInteger("primes")).isEqualTo(168);
    assertThat(fixture.awaitFinal(primesDefault.id(), WAIT_MS).getJsonObject("result").getInteger("primes")).isEqualTo(9592);
    JsonObject sum = fixture.awaitFinal(checksum.id(), WAIT_MS);
    assertThat(sum.getString("status")).isEqualTo("COMPLETED");
    assertThat(sum.getJsonObject("result").getString("sha256")).matches("[0-9a-f]{64}");
    assertThat(fixture.awaitFinal(checksumDefault.id(), WAIT_MS).getJsonObject("result").getInteger("sizeBytes")).isEqualTo(1024 * 1024);
    JsonObject counted = fixture.awaitFinal(words.id(), WAIT_MS).getJsonObject("result");
    assertThat(counted.getInteger("words")).isEqualTo(4);
    assertThat(counted.getInteger("distinctWords")).isEqualTo(3);
    assertThat(counted.getInteger("lines")).isEqualTo(2);
    assertThat(counted.getJsonArray("top").getJsonObject(0).getString("word")).isEqualTo("a");
    assertThat(fixture.awaitFinal(wordsDefault.id(), WAIT_MS).getJsonObject("result").getInteger("words")).isEqualTo(12);
    JsonObject failed = fixture.awaitFinal(fail.id(), WAIT_MS);
    assertThat(failed.getString("status")).isEqualTo("DEAD");
    assertThat(failed.getInteger("attempt")).isEqualTo(3);
    assertThat(failed.getString("error")).contains("failed on purpose");

    var report = fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
    assertThat(report.byStatus()).containsEntry("COMPLETED", 7).containsEntry("DEAD", 1);
    assertThat(fixture.ledger().executions(fail.id())).isEqualTo(3);
  }

  @Test
  void aShortAttemptGoesStraightToItsOutcomeWhileALongOneAnnouncesRunning() throws Exception {
    String tag = "running-event";
    Run quick = fixture.launch(tag, "sleep", new JsonObject());
    Run slow = fixture.launch(tag, "sleep", new JsonObject().put("millis", 500));

    JsonObject quickDoc = fixture.awaitFinal(quick.id(), WAIT_MS);
    JsonObject slowDoc = fixture.awaitFinal(slow.id(), WAIT_MS);

    List<String> quickStatuses = quickDoc.getJsonArray("transitions").stream().map(t -> ((JsonObject) t).getString("status")).toList();
    assertThat(quickStatuses).doesNotContain("RUNNING").endsWith("COMPLETED");
    JsonObject outcome = quickDoc.getJsonArray("transitions").getJsonObject(quickStatuses.size() - 1);
    assertThat(outcome.getValue("startedAt")).as("the outcome records the attempt's start").isNotNull();
    assertThat(quickDoc.getValue("startedAt")).isNotNull();
    List<String> slowStatuses = slowDoc.getJsonArray("transitions").stream().map(t -> ((JsonObject) t).getString("status")).toList();
    assertThat(slowStatuses).contains("RUNNING").endsWith("COMPLETED");
  }

  @Test
  void searchPriceQueriesTheApiAndHandlesEveryKindOfAnswer() throws Exception {
    String tag = "search-price";
    Run ok = fixture.launch(tag, "search-price", new JsonObject().put("title", "batman").put("limit", 5));
    Run empty = fixture.launch(tag, "search-price", new JsonObject().put("title", "nothing"));
    Run error = fixture.launch(tag, "search-price", new JsonObject().put("title", "broken-api"));
    Run malformed = fixture.launch(tag, "search-price", new JsonObject().put("title", "malformed"));
    Run slow = fixture.launch(tag, "search-price", new JsonObject().put("title", "slow"));

    JsonObject found = fixture.awaitFinal(ok.id(), WAIT_MS);
    assertThat(found.getString("status")).isEqualTo("COMPLETED");
    JsonArray games = found.getJsonObject("result").getJsonArray("games");
    assertThat(games.stream().map(g -> ((JsonObject) g).getString("title")).toList())
        .containsExactly("Batman: Arkham Knight", "LEGO Batman", "Batman: Arkham City GOTY"); // sorted by price, then title
    assertThat(games.getJsonObject(0).getDouble("cheapest")).isEqualTo(3.99);

    JsonObject none = fixture.awaitFinal(empty.id(), WAIT_MS);
    assertThat(none.getString("status")).isEqualTo("COMPLETED");
    assertThat(none.getJsonObject("result").getInteger("count")).isZero();

    assertFailedEveryAttempt(fixture.awaitFinal(error.id(), WAIT_MS), "500");
    assertFailedEveryAttempt(fixture.awaitFinal(malformed.id(), WAIT_MS), "malformed JSON");
    assertFailedEveryAttempt(fixture.awaitFinal(slow.id(), WAIT_MS), "imeout");
    // One retry inside each attempt (SEARCH_PRICE_RETRIES=1), three attempts.
    assertThat(priceRequests.get("broken-api").get()).isEqualTo(6);
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
  }

  private static void assertFailedEveryAttempt(JsonObject run, String cause) {
    assertThat(run.getString("status")).isEqualTo("DEAD");
    assertThat(run.getString("error")).contains(cause);
    List<String> notes = run.getJsonArray("transitions").stream().map(t -> (JsonObject) t)
        .filter(t -> "FAILED".equals(t.getString("status"))).map(t -> t.getString("note")).toList();
    assertThat(notes).hasSize(2).allSatisfy(note -> assertThat(note).contains(cause));
  }

  @Test
  void aFailingRunIsRetriedWithBackoffThenDeadLetteredAndAReplayCompletesIt() throws Exception {
    String tag = "retry-dead-replay";
    Run run = fixture.launch(tag, "fail", new JsonObject().put("failAttempts", 3).put("message", "flaky dependency"));
    JsonObject dead = fixture.awaitFinal(run.id(), WAIT_MS);
    assertThat(dead.getString("status")).as(dead.encodePrettily()).isEqualTo("DEAD");
    List<JsonObject> transitions = dead.getJsonArray("transitions").stream().map(t -> (JsonObject) t).toList();
    assertThat(transitions.stream().map(t -> t.getString("status") + "#" + t.getInteger("attempt")).toList())
        .containsSubsequence("FAILED#1", "FAILED#2", "DEAD#3");
    // The next attempt starts no earlier than half the base backoff (RETRY_BASE_MS=200, jitter in [d/2, d]).
    assertThat(Duration.between(at(transitions, "FAILED", 1), startOf(transitions, 2)).toMillis()).isGreaterThanOrEqualTo(90);
    assertThat(fixture.ledger().executions(run.id())).isEqualTo(3);

    String letterId = "run:" + run.id() + ":3";
    DeadLetterService letters = fixture.deadLetters();
    JsonObject letter = Awaits.until(() -> new DeadLetterRepository(fixture.mongo()).find(letterId).await().orElse(null), WAIT_MS, "dead letter stored");
    assertThat(letter.getString("reason")).contains("flaky dependency");
    JsonObject page = letters.list(0, 200).await();
    assertThat(page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id"))).contains(letterId);

    assertThat(letters.replay(letterId).await()).isEqualTo(DeadLetterService.Replay.REPLAYED);
    JsonObject replayed = Awaits.until(() -> {
      JsonObject doc = fixture.document(run.id());
      return "COMPLETED".equals(doc.getString("status")) ? doc : null;
    }, WAIT_MS, "replayed run completed");
    assertThat(replayed.getInteger("attempt")).isEqualTo(4);
    assertThat(fixture.ledger().executions(run.id())).isEqualTo(4);
    assertThat(letters.replay(letterId).await()).as("the run is no longer DEAD").isEqualTo(DeadLetterService.Replay.NOT_REPLAYABLE);
    assertThat(letters.replay("no-such-letter").await()).isEqualTo(DeadLetterService.Replay.NOT_FOUND);
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
  }

  private static Instant startOf(List<JsonObject> transitions, int attempt) {
    return transitions.stream().filter(t -> "FAILED".equals(t.getString("status")) && t.getInteger("attempt") == attempt)
        .map(t -> dev.taskmesh.run.MongoDates.fromDocument(t.getValue("startedAt"))).findFirst().orElseThrow();
  }

  private static Instant at(List<JsonObject> transitions, String status, int attempt) {
    return transitions.stream().filter(t -> status.equals(t.getString("status")) && t.getInteger("attempt") == attempt)
        .map(t -> dev.taskmesh.run.MongoDates.fromDocument(t.getValue("at"))).findFirst().orElseThrow();
  }

  @Test
  void aDuplicateDeliveryHasNoSecondEffectAndALateRunningChangesNothing() throws Exception {
    String tag = "duplicates";
    Run run = fixture.launch(tag, "sleep", new JsonObject());
    JsonObject done = fixture.awaitFinal(run.id(), WAIT_MS);
    assertThat(done.getString("status")).isEqualTo("COMPLETED");
    int transitions = done.getJsonArray("transitions").size();

    var topics = fixture.config().kafka().topics();
    RunEvent completed = RunEvent.fromJson(new JsonObject().put("v", 1).put("runId", run.id()).put("attempt", 1).put("status", "COMPLETED")
        .put("at", Instant.now().toString()).put("result", new JsonObject().put("other", true)));
    RunEvent lateRunning = RunEvent.of(run.id(), 1, RunStatus.RUNNING, null, null, null);
    fixture.publisher().send(topics.pendingTasks(), run.id(), RunCommand.of(Run.fromDocument(done)).toJson(), null).await();
    fixture.publisher().send(topics.pendingTasks(), run.id(), RunCommand.of(Run.fromDocument(done)).toJson(), null).await();
    fixture.publisher().send(topics.taskCompleted(), run.id(), completed.toJson(), null).await();
    fixture.publisher().send(topics.taskEvents(), run.id(), lateRunning.toJson(), null).await();
    Awaits.caughtUp(fixture.bootstrapServers(), "taskmesh-workers", List.of(topics.pendingTasks()), WAIT_MS);
    Awaits.caughtUp(fixture.bootstrapServers(), "taskmesh-updater", List.of(topics.taskEvents(), topics.taskCompleted()), WAIT_MS);

    JsonObject after = fixture.document(run.id());
    assertThat(after.getString("status")).isEqualTo("COMPLETED");
    assertThat(after.getJsonObject("result")).isEqualTo(done.getJsonObject("result"));
    assertThat(after.getJsonArray("transitions").size()).isEqualTo(transitions);
    assertThat(fixture.ledger().executions(run.id())).as("the duplicate command is not executed again").isEqualTo(1);
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
  }

  @Test
  void poisonMessagesGoToDeadLettersAndEveryPartitionKeepsFlowing() throws Exception {
    String tag = "poison";
    var topics = fixture.config().kafka().topics();
    int partitions = fixture.config().kafka().partitions();
    Properties props = new Properties();
    props.put("bootstrap.servers", fixture.bootstrapServers());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int p = 0; p < partitions; p++) {
        producer.send(new ProducerRecord<>(topics.pendingTasks(), p, "poison-" + p, "this is not json {")).get();
        producer.send(new ProducerRecord<>(topics.pendingTasks(), p, "poison-v-" + p,
            new JsonObject().put("v", 99).put("runId", "future-" + p).encode())).get();
        producer.send(new ProducerRecord<>(topics.taskEvents(), p, "poison-event-" + p, "[1,2")).get();
      }
    }
    List<Run> after = fixture.launchMany(tag, "sleep", new JsonObject(), 30);
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
    assertThat(after).hasSize(30);

    DeadLetterRepository letters = new DeadLetterRepository(fixture.mongo());
    List<JsonObject> stored = Awaits.until(() -> {
      List<JsonObject> found = fixture.mongo().find(DeadLetterRepository.COLLECTION,
          new JsonObject().put("_id", new JsonObject().put("$regex", "^msg:"))).await();
      return found.size() >= 3 * partitions ? found : null;
    }, WAIT_MS, "poison messages stored as dead letters");
    assertThat(stored.stream().map(d -> d.getString("reason")))
        .anySatisfy(r -> assertThat(r).contains("unreadable command"))
        .anySatisfy(r -> assertThat(r).contains("unsupported schema version '99'"))
        .anySatisfy(r -> assertThat(r).contains("unreadable run event"));
    assertThat(letters.count().await()).isGreaterThanOrEqualTo(3L * partitions);
  }

  @Test
  void aRunCancelledBeforeItStartsIsSkippedAndARunningOneStopsAtItsNextCheck() throws Exception {
    String tag = "cancel";
    // During: a long sleep, cancelled while it runs.
    Run during = fixture.launch(tag, "sleep", new JsonObject().put("millis", 60_000));
    Awaits.until(() -> "RUNNING".equals(fixture.document(during.id()).getString("status")), WAIT_MS, "run started");
    assertThat(fixture.cancel(during.id()).status()).isEqualTo(RunStatus.CANCELLED);
    JsonObject stopped = fixture.awaitFinal(during.id(), 5_000);
    assertThat(stopped.getString("status")).isEqualTo("CANCELLED");

    // During, CPU-bound on a worker thread: the sieve checks between chunks.
    Run cpu = fixture.launch(tag, "primes", new JsonObject().put("n", 100_000_000));
    Awaits.until(() -> fixture.ledger().executions(cpu.id()) > 0, WAIT_MS, "sieve started");
    RunCancellation.request(fixture.vertx(), cpu.id(), 0); // the event bus only: the worker publishes CANCELLED
    assertThat(fixture.awaitFinal(cpu.id(), 10_000).getString("status")).isEqualTo("CANCELLED");

    // Before: cancelled in the store while its command still waits in Kafka; the worker must skip it.
    Run before = Run.queued(java.util.UUID.randomUUID().toString(), tag, "sleep", new JsonObject(), 3, "it", null, Instant.now());
    fixture.runs().insert(before.withoutOutbox()).await();
    fixture.ledger().accepted(tag, before.id());
    assertThat(fixture.cancel(before.id()).status()).isEqualTo(RunStatus.CANCELLED);
    fixture.publisher().send(fixture.config().kafka().topics().pendingTasks(), before.id(), RunCommand.of(before).toJson(), null).await();
    Awaits.caughtUp(fixture.bootstrapServers(), "taskmesh-workers", List.of(fixture.config().kafka().topics().pendingTasks()), WAIT_MS);
    assertThat(fixture.document(before.id()).getString("status")).isEqualTo("CANCELLED");
    assertThat(fixture.ledger().executions(before.id())).isZero();

    // A cancel of a finished run changes nothing.
    Run finished = fixture.launch(tag, "sleep", new JsonObject());
    fixture.awaitFinal(finished.id(), WAIT_MS);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fixture.cancel(finished.id()))
        .hasMessageContaining("already COMPLETED");
    assertThat(fixture.document(finished.id()).getString("status")).isEqualTo("COMPLETED");
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
  }

  @Test
  void theResultPageDrawsPricesWithLocalAssetsAndTheDeadLetterRoutesAnswer() throws Exception {
    String tag = "routes";
    Run run = fixture.launch(tag, "search-price", new JsonObject().put("title", "batman"));
    fixture.awaitFinal(run.id(), WAIT_MS);
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(fixture.vertx());
    new dev.taskmesh.api.RunResultPage(fixture.runs()).mount(router);
    new dev.taskmesh.api.DeadLetterRoutes(fixture.deadLetters()).mount(router);
    HttpServer server = fixture.vertx().createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    try {
      dev.taskmesh.support.Http http = new dev.taskmesh.support.Http(server.actualPort());
      var page = http.get("/api/runs/" + run.id() + "/result");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
      assertThat(page.body()).contains("<svg", "LEGO Batman", "$3.99", "/assets/result.css").doesNotContain("<script", "https://cdn");
      assertThat(http.get("/assets/result.css").statusCode()).isEqualTo(200);
      assertThat(http.get("/api/runs/no-such-run/result").statusCode()).isEqualTo(404);
      var list = http.get("/api/admin/dead-letters?page=0&size=5");
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(list.body()).getInteger("size")).isEqualTo(5);
      assertThat(http.get("/api/admin/dead-letters?size=0").statusCode()).isEqualTo(400);
      assertThat(http.postJson("/api/admin/dead-letters/nope/replay", new JsonObject()).statusCode()).isEqualTo(404);
    } finally {
      server.close().await();
    }
    fixture.ledger().check(fixture.mongo(), tag, Duration.ofSeconds(30));
  }
}
