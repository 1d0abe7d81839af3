package dev.taskmesh.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Markers are cleared a moment after publishing: PENDING only for runs no worker reported on by then. */
class OutboxRelayTest {

  private static Vertx vertx;
  private static TestStore store;
  private static RunRepository runs;
  private static final List<String> sent = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    runs = new RunRepository(store.client());
  }

  @AfterAll
  static void stop() {
    store.close();
    vertx.close().await();
  }

  private static Run launched() {
    return runs.insert(Run.queued(TimeOrderedIds.next(), "task-1", "sleep", new JsonObject(), 3, "user-1", null, Instant.now())).await();
  }

  private static OutboxRelay relay() {
    return new OutboxRelay(runs, (topic, key, value, traceparent) -> {
      sent.add(key);
      return Future.succeededFuture();
    }, "pending-tasks");
  }

  private static <T> T onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }

  @Test
  void aRunNobodyReportedOnBecomesPendingWhileOneAWorkerReportedOnKeepsItsHistory() throws Exception {
    Run waiting = launched();
    Run started = launched();
    OutboxRelay relay = relay();
    long before = System.nanoTime();
    vertx.getOrCreateContext().runOnContext(v -> {
      relay.publish(waiting);
      relay.publish(started);
    });
    // A worker reports before the delayed write; its event clears the marker itself.
    Thread.sleep(50);
    assertThat(runs.apply(RunEvent.of(started.id(), 1, RunStatus.RUNNING, Instant.now(), null, null)).await()).isTrue();
    assertThat(runs.findDocument(started.id()).await().orElseThrow().getBoolean("outbox")).isFalse();
    assertThat(runs.findDocument(waiting.id()).await().orElseThrow().getString("status")).isEqualTo("QUEUED");

    long deadline = System.currentTimeMillis() + 5_000;
    while (runs.findDocument(waiting.id()).await().orElseThrow().getBoolean("outbox") && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat((System.nanoTime() - before) / 1_000_000).as("the markers are written after the delay").isGreaterThanOrEqualTo(OutboxRelay.MARK_DELAY_MS);
    JsonObject waitingDoc = runs.findDocument(waiting.id()).await().orElseThrow();
    assertThat(waitingDoc.getString("status")).isEqualTo("PENDING");
    assertThat(waitingDoc.getBoolean("outbox")).isFalse();
    JsonObject startedDoc = runs.findDocument(started.id()).await().orElseThrow();
    assertThat(startedDoc.getString("status")).isEqualTo("RUNNING");
    assertThat(startedDoc.getJsonArray("transitions").stream().map(t -> ((JsonObject) t).getString("status")).toList())
        .containsExactly("QUEUED", "RUNNING");
    assertThat(sent).contains(waiting.id(), started.id());
  }

  @Test
  void aRunWhoseWorkerEventWasWrittenLeavesTheMarkerWriteWhileOthersKeepIt() {
    Run reported = launched();
    Run unreported = launched();
    OutboxRelay relay = relay();
    io.vertx.core.Context context = vertx.getOrCreateContext();
    List<Future<Void>> published = new CopyOnWriteArrayList<>();
    onContext(context, () -> {
      published.add(relay.publish(reported));
      published.add(relay.publish(unreported));
      return Future.succeededFuture();
    });

    // The notices as the updater and the API publish them. The API's own QUEUED notice and a
    // notice of another attempt say nothing about this attempt's marker.
    List<Boolean> completeAfterNotices = onContext(context, () -> {
      relay.reported(RunEvent.of(unreported.id(), 1, RunStatus.QUEUED, null, null, null).toJson());
      relay.reported(RunEvent.of(unreported.id(), 2, RunStatus.COMPLETED, Instant.now(), null, null).toJson());
      relay.reported(new JsonObject().put("runId", unreported.id()).put("attempt", 1).put("status", "NOT_A_STATUS"));
      relay.reported(RunEvent.of(reported.id(), 1, RunStatus.COMPLETED, Instant.now(), null, null).toJson().put("seq", 99));
      return Future.succeededFuture(published.stream().map(Future::isComplete).toList());
    });
    assertThat(completeAfterNotices).as("the reported run's marker counts as written at once; the other still waits")
        .containsExactly(true, false);

    onContext(context, relay::flush);
    // The store never saw the reported run's event here (only its notice): left out of the marker
    // write, it is still QUEUED with its marker, where the unreported run moved to PENDING.
    JsonObject reportedDoc = runs.findDocument(reported.id()).await().orElseThrow();
    assertThat(reportedDoc.getString("status")).isEqualTo("QUEUED");
    assertThat(reportedDoc.getBoolean("outbox")).isTrue();
    JsonObject unreportedDoc = runs.findDocument(unreported.id()).await().orElseThrow();
    assertThat(unreportedDoc.getString("status")).isEqualTo("PENDING");
    assertThat(unreportedDoc.getBoolean("outbox")).isFalse();
    assertThat(published.get(1).succeeded()).isTrue();
  }

  private static <T> T onContext(io.vertx.core.Context context, java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }

  @Test
  void aSweepPublishesABacklogLargerThanOneBatchAndStopsWhenTheBrokerFails() {
    store.client().removeDocuments(RunRepository.COLLECTION, new JsonObject()).await();
    List<String> backlog = java.util.stream.IntStream.range(0, 5).mapToObj(i -> launched().id()).toList();
    Instant acceptedBefore = Instant.now().plusSeconds(1);

    List<String> attempted = new CopyOnWriteArrayList<>();
    OutboxRelay brokerAway = new OutboxRelay(runs, (topic, key, value, traceparent) -> {
      attempted.add(key);
      return Future.failedFuture("broker away");
    }, "pending-tasks", 2, OutboxRelay.MARK_DELAY_MS);
    Boolean sweepFailed = onContext(() -> brokerAway.sweep(acceptedBefore).transform(result -> Future.succeededFuture(result.failed())));
    assertThat(sweepFailed).as("a failed batch fails the sweep").isTrue();
    assertThat(attempted).as("and ends it: one batch tried").hasSize(2);

    List<String> published = new CopyOnWriteArrayList<>();
    OutboxRelay brokerBack = new OutboxRelay(runs, (topic, key, value, traceparent) -> {
      published.add(key);
      return Future.succeededFuture();
    }, "pending-tasks", 2, OutboxRelay.MARK_DELAY_MS);
    Integer swept = onContext(() -> brokerBack.sweep(acceptedBefore));
    assertThat(swept).as("three batches in one sweep").isEqualTo(5);
    assertThat(published).containsExactlyInAnyOrderElementsOf(backlog);
    Integer sweptAgain = onContext(() -> brokerBack.sweep(acceptedBefore));
    assertThat(sweptAgain).isZero();
  }

  @Test
  void aSweepWritesItsMarkersWithoutWaitingForTheDelay() {
    Instant acceptedBefore = Instant.now().plusSeconds(60);
    onContext(() -> relay().sweep(acceptedBefore)); // what earlier tests left
    List<String> backlog = java.util.stream.IntStream.range(0, 5).mapToObj(i -> launched().id()).toList();
    // A delay no test waits out: a sweep that waited for the timer would never end.
    OutboxRelay relay = new OutboxRelay(runs, (topic, key, value, traceparent) -> Future.succeededFuture(), "pending-tasks", 2, 3_600_000);

    Promise<Integer> sweep = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> relay.sweep(acceptedBefore).onComplete(sweep));

    assertThat(sweep.future().toCompletionStage().toCompletableFuture()).succeedsWithin(java.time.Duration.ofSeconds(20)).isEqualTo(5);
    assertThat(backlog).allSatisfy(id -> assertThat(runs.findDocument(id).await().orElseThrow().getString("status")).isEqualTo("PENDING"));
  }

  @Test
  void flushWritesWaitingMarkersAtOnce() {
    Run run = launched();
    OutboxRelay relay = relay();
    onContext(() -> {
      relay.publish(run);
      return Future.succeededFuture();
    });
    onContext(relay::flush);
    assertThat(runs.findDocument(run.id()).await().orElseThrow().getString("status")).isEqualTo("PENDING");
  }
}
