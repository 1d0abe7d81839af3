package dev.taskmesh.updater;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.deadletter.DeadLetter;
import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stuck-run rule against the embedded store: what it re-publishes, when, and when it gives up. */
class StuckRunSweeperTest {

  private static final Duration STUCK_AFTER = Duration.ofMinutes(10);
  private static final int MAX_RECOVERIES = 2;

  private static Vertx vertx;
  private static TestStore store;
  private static MongoClient mongo;
  private static RunRepository runs;

  private final List<Sent> sent = new ArrayList<>();
  private StuckRunSweeper sweeper;

  private record Sent(String topic, String key, JsonObject value) {}

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    mongo = store.client();
    runs = new RunRepository(mongo);
  }

  @AfterAll
  static void stop() {
    store.close();
    vertx.close().await();
  }

  @BeforeEach
  void emptyStore() {
    mongo.removeDocuments(RunRepository.COLLECTION, new JsonObject()).await();
    sweeper = new StuckRunSweeper(runs, (topic, key, value, traceparent) -> {
      sent.add(new Sent(topic, key, value));
      return Future.succeededFuture();
    }, "pending", "completed", "dead", STUCK_AFTER, MAX_RECOVERIES);
  }

  /** A stored run last changed {@code idle} ago (its {@code updatedAt} is its creation time). */
  private static String stored(RunStatus status, int attempt, int maxAttempts, boolean published, Duration idle, int recoveries) {
    String id = TimeOrderedIds.next();
    Run run = new Run(id, "task-1", "sleep", status, attempt, maxAttempts, new JsonObject().put("ms", 1), null, null, "user-1",
        Instant.now().minus(idle), null, null, null, !published);
    mongo.insert(RunRepository.COLLECTION, run.toDocument().put("recoveries", recoveries)).await();
    return id;
  }

  private static JsonObject document(String id) {
    return runs.findDocument(id).await().orElseThrow();
  }

  @Test
  void aPublishedRunWithoutProgressIsRepublishedAtItsAttemptOnce() {
    String stuck = stored(RunStatus.RUNNING, 2, 3, true, Duration.ofMinutes(11), 0);
    stored(RunStatus.PENDING, 1, 3, true, Duration.ofMinutes(9), 0); // not idle long enough
    stored(RunStatus.COMPLETED, 1, 3, true, Duration.ofHours(1), 0); // terminal
    stored(RunStatus.QUEUED, 1, 3, false, Duration.ofHours(1), 0); // unpublished: the outbox relay's job

    assertThat(sweeper.sweep().await()).isEqualTo(1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).topic()).isEqualTo("pending");
    assertThat(sent.get(0).key()).isEqualTo(stuck);
    RunCommand command = RunCommand.fromJson(sent.get(0).value());
    assertThat(command.runId()).isEqualTo(stuck);
    assertThat(command.attempt()).isEqualTo(2);
    JsonObject doc = document(stuck);
    assertThat(doc.getInteger("recoveries")).isEqualTo(1);
    assertThat(doc.getString("status")).isEqualTo("RUNNING");

    // The recovery counts as a change: the run is not stuck again until another stuckAfter passes.
    assertThat(sweeper.sweep().await()).isZero();
    assertThat(sent).hasSize(1);
  }

  @Test
  void aFailedAttemptIsRepublishedAsTheNextOne() {
    String failed = stored(RunStatus.FAILED, 1, 3, true, Duration.ofMinutes(30), 0);

    assertThat(sweeper.sweep().await()).isEqualTo(1);
    RunCommand command = RunCommand.fromJson(sent.get(0).value());
    assertThat(command.runId()).isEqualTo(failed);
    assertThat(command.attempt()).isEqualTo(2);
    assertThat(command.notBefore()).isZero();
  }

  @Test
  void afterMaxRecoveriesTheRunIsDeclaredDeadWithADeadLetter() {
    String hopeless = stored(RunStatus.PENDING, 1, 3, true, Duration.ofMinutes(11), MAX_RECOVERIES);

    assertThat(sweeper.sweep().await()).isEqualTo(1);
    assertThat(sent).extracting(Sent::topic).containsExactly("dead", "completed");
    DeadLetter letter = DeadLetter.fromJson(sent.get(0).value());
    assertThat(letter.runId()).isEqualTo(hopeless);
    assertThat(letter.reason()).contains("after 2 re-publication(s)");
    assertThat(RunCommand.fromJson(new JsonObject(letter.payload())).runId()).isEqualTo(hopeless);
    RunEvent dead = RunEvent.fromJson(sent.get(1).value());
    assertThat(dead.runId()).isEqualTo(hopeless);
    assertThat(dead.status()).isEqualTo(RunStatus.DEAD);
    assertThat(dead.attempt()).isEqualTo(1);
    // Writing DEAD is the updater's job, through the same guarded path as every outcome.
    assertThat(runs.applyAll(List.of(dead)).await()).isEqualTo(1L);
    assertThat(document(hopeless).getString("status")).isEqualTo("DEAD");
    assertThat(sweeper.sweep().await()).isZero();
  }

  @Test
  void aFailedLastAttemptWithoutProgressIsDeclaredDeadRatherThanLeftFailed() {
    String last = stored(RunStatus.FAILED, 3, 3, true, Duration.ofMinutes(11), 0);

    assertThat(sweeper.sweep().await()).isEqualTo(1);
    assertThat(sent).extracting(Sent::topic).containsExactly("dead", "completed");
    assertThat(RunEvent.fromJson(sent.get(1).value()).status()).isEqualTo(RunStatus.DEAD);
    assertThat(DeadLetter.fromJson(sent.get(0).value()).reason()).contains("attempt 3 of 3 failed");
    assertThat(sent.get(1).key()).isEqualTo(last);
  }
}
