package dev.taskmesh.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.BsonBulk;
import dev.taskmesh.infra.ReadsById;
import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.infra.store.LocalStore;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The repository's batched writes against the embedded store, as the default run configures it. */
class RunRepositoryTest {

  private static Vertx vertx;
  private static TestStore store;
  private static MongoClient mongo;
  private static RunRepository viaVertx;
  private static BsonBulk bulk;
  private static RunRepository viaBson;
  private static LocalStore local;
  private static RunRepository viaLocal;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    mongo = store.client();
    viaVertx = new RunRepository(mongo);
    bulk = BsonBulk.open(vertx, store.uri(), "t", 5_000, 5_000);
    viaBson = new RunRepository(mongo, bulk);
    local = LocalStore.open(store.uri(), store.backend());
    viaLocal = new RunRepository(mongo, BsonBulk.open(vertx, store.uri(), "t", 5_000, 5_000),
        ReadsById.Finder.of(vertx, store.uri(), "t", mongo));
  }

  @AfterAll
  static void stop() {
    bulk.close().await();
    local.close();
    store.close();
    vertx.close().await();
  }

  private static Run queued() {
    return Run.queued(TimeOrderedIds.next(), "task-1", "sleep", new JsonObject(), 3, "user-1", null, Instant.now());
  }

  /**
   * A run's creation time is its id's millisecond, so lists by creation time ask the store for the
   * ids' order: the same order as creation time with the id breaking ties, both ways, filtered.
   */
  @Test
  void listsByCreationTimeAreInTheOrderOfCreationTimesWithTheIdBreakingTies() {
    List<Run> made = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 30; i++) {
      long millisecond = 1_800_000_000_000L + i / 4; // four runs a millisecond, in no particular order within it
      String id = new java.util.UUID(millisecond << 16 | 0x7000 | random.nextInt(0x1000), 0x8000_0000_0000_0000L | random.nextInt()).toString();
      Run run = Run.queued(id, "task-order", "sleep", new JsonObject(), 3, "user-1", null, TimeOrderedIds.timeOf(id));
      made.add(run);
    }
    java.util.Collections.shuffle(made, new java.util.Random(7));
    for (Run run : made) {
      viaVertx.insert(run).await();
    }
    java.util.Comparator<Run> byCreation = java.util.Comparator.comparing(Run::createdAt).thenComparing(Run::id);
    List<String> oldestFirst = made.stream().sorted(byCreation).map(Run::id).toList();
    List<String> newestFirst = made.stream().sorted(byCreation.reversed()).map(Run::id).toList();

    try {
      assertThat(viaVertx.find(new RunQuery(null, "task-order", null, null, null, null, false, 0, 30, null)).await())
          .extracting(Run::id).containsExactlyElementsOf(newestFirst);
      assertThat(viaVertx.find(new RunQuery("QUEUED", "task-order", null, null, null, "created", true, 5, 10, null)).await())
          .extracting(Run::id).containsExactlyElementsOf(oldestFirst.subList(5, 15));
      // Between two times: the store reads the ids of that range (RunQuery.idBounds), createdAt decides.
      Instant from = Instant.ofEpochMilli(1_800_000_000_002L);
      Instant to = Instant.ofEpochMilli(1_800_000_000_005L);
      RunQuery between = new RunQuery(null, "task-order", null, from, to, null, false, 0, 30, null);
      assertThat(viaVertx.find(between).await()).extracting(Run::id).containsExactlyElementsOf(newestFirst.subList(30 - 20, 30 - 8));
      assertThat(viaVertx.count(between).await()).isEqualTo(12);
      assertThat(between.filter().getJsonObject("_id").getString("$gte")).isEqualTo(TimeOrderedIds.floor(from.minusSeconds(1)));
      RunQuery sinceEver = new RunQuery(null, "task-order", null, Instant.EPOCH, null, null, false, 0, 30, null);
      assertThat(sinceEver.filter().containsKey("_id")).as("no id holds a time before 1970").isFalse();
      assertThat(viaVertx.count(sinceEver).await()).isEqualTo(30);

      // A cursor: each page starts past the last id of the page before, both ways and within a range.
      assertThat(pagedAfter(new RunQuery(null, "task-order", null, null, null, null, false, 0, 7, null))).containsExactlyElementsOf(newestFirst);
      assertThat(pagedAfter(new RunQuery(null, "task-order", null, null, null, "created", true, 0, 7, null))).containsExactlyElementsOf(oldestFirst);
      assertThat(pagedAfter(new RunQuery(null, "task-order", null, from, to, null, false, 0, 5, null)))
          .containsExactlyElementsOf(newestFirst.subList(30 - 20, 30 - 8));
      RunQuery pastCursor = new RunQuery(null, "task-order", null, null, null, null, false, 0, 7, newestFirst.get(6));
      assertThat(viaVertx.count(pastCursor).await()).as("a page's total counts every run of the filters").isEqualTo(30);
      Instant longBefore = Instant.ofEpochMilli(1_799_999_990_000L);
      RunQuery cursorBeyondRange = new RunQuery(null, "task-order", null, null, longBefore, null, false, 0, 7, newestFirst.get(0));
      assertThat(cursorBeyondRange.pageFilter().getJsonObject("_id").getString("$lt"))
          .as("the tighter of the range's bound and the cursor").isEqualTo(TimeOrderedIds.floor(longBefore.plusSeconds(1)));
      RunQuery cursorInRange = new RunQuery(null, "task-order", null, null, to, null, false, 0, 7, newestFirst.get(25));
      assertThat(cursorInRange.pageFilter().getJsonObject("_id").getString("$lt")).isEqualTo(newestFirst.get(25));
    } finally {
      mongo.removeDocuments("runs", new JsonObject().put("taskId", "task-order")).await(); // the other tests count every run
    }
  }

  /** Every page of {@code first}'s list, each asked for with the last id of the one before. */
  private static List<String> pagedAfter(RunQuery first) {
    List<String> ids = new java.util.ArrayList<>();
    String after = null;
    do {
      RunQuery query = new RunQuery(first.status(), first.taskId(), first.launchedBy(), first.from(), first.to(), first.sort(),
          first.ascending(), 0, first.limit(), after);
      List<Run> page = viaVertx.find(query).await();
      page.forEach(run -> ids.add(run.id()));
      after = page.size() == first.limit() ? page.get(page.size() - 1).id() : null;
    } while (after != null);
    return ids;
  }

  @Test
  void theOutboxBacklogComesOldestFirstUpToTheLimitWithoutPublishedOrTooRecentRuns() {
    Instant later = Instant.now().plusSeconds(3_600);
    try {
      viaVertx.markPublished(viaVertx.findUnpublished(later, 100_000).await()).await(); // what other tests left
      List<Run> backlog = new java.util.ArrayList<>();
      for (int i = 0; i < 6; i++) {
        backlog.add(viaVertx.insert(queued()).await());
      }
      viaVertx.markPublished(backlog.get(1)).await();
      Instant cut = backlog.get(5).createdAt().plusMillis(1);
      Run tooRecent = viaVertx.insert(Run.queued(TimeOrderedIds.next(), "task-1", "sleep", new JsonObject(), 3, "user-1", null,
          cut.plusSeconds(60))).await();

      assertThat(viaVertx.findUnpublished(cut, 3).await()).extracting(Run::id)
          .containsExactly(backlog.get(0).id(), backlog.get(2).id(), backlog.get(3).id());
      assertThat(viaVertx.findUnpublished(cut, 100).await()).extracting(Run::id)
          .containsExactly(backlog.get(0).id(), backlog.get(2).id(), backlog.get(3).id(), backlog.get(4).id(), backlog.get(5).id())
          .doesNotContain(tooRecent.id());
    } finally {
      viaVertx.markPublished(viaVertx.findUnpublished(later, 100_000).await()).await();
    }
  }

  @Test
  void markPublishedMovesQueuedRunsOfEveryAttemptToPendingAndOnlyClearsTheMarkerOfRunsAlreadyFurther() {
    markPublishedBehaviour(viaVertx);
  }

  @Test
  void theSameThroughBsonBulkWrites() {
    markPublishedBehaviour(viaBson);
  }

  @Test
  void theSameThroughInProcessWrites() {
    markPublishedBehaviour(viaLocal);
  }

  /** Both write paths store the same document: types, dates as dates, transitions. */
  @Test
  void bsonBulkWritesStoreWhatVertxMongoClientStores() {
    List<JsonObject> stored = new java.util.ArrayList<>();
    Instant at = Instant.parse("2026-11-28T10:00:00.123Z");
    for (RunRepository runs : List.of(viaVertx, viaBson, viaLocal)) {
      Run run = runs.insert(Run.queued(TimeOrderedIds.next(), "task-1", "sleep", new JsonObject().put("n", 1).put("big", 9_000_000_000L)
          .put("list", new JsonArray().add("a").add(2.5).addNull()), 3, "user-1", "trace", at)).await();
      runs.markPublished(List.of(run)).await();
      assertThat(runs.applyAll(List.of(new RunEvent(run.id(), 1, RunStatus.COMPLETED, at.plusSeconds(2), at.plusSeconds(1),
          new JsonObject().put("ok", true).put("nested", new JsonObject().put("x", 1)), null))).await()).isEqualTo(1L);
      JsonObject doc = runs.findDocument(run.id()).await().orElseThrow();
      doc.remove("_id");
      doc.remove("updatedAt"); // the time of the write
      doc.getJsonArray("transitions").forEach(t -> ((JsonObject) t).remove("at"));
      stored.add(doc);
    }
    assertThat(stored.get(1)).isEqualTo(stored.get(0));
    assertThat(stored.get(2)).as("in process").isEqualTo(stored.get(0));
    assertThat(stored.get(1).getValue("createdAt")).as("a BSON date, read back as vertx-mongo-client's $date").isEqualTo(new JsonObject().put("$date", "2026-11-28T10:00:00.123Z"));
    assertThat(stored.get(1).getString("status")).isEqualTo("COMPLETED");
  }

  private static void markPublishedBehaviour(RunRepository runs) {
    Run first = runs.insert(queued()).await();
    Run second = runs.insert(queued()).await();
    Run retried = runs.insert(queued()).await();
    Run started = runs.insert(queued()).await();
    // A DEAD run requeued for its second attempt: QUEUED at attempt 2.
    mongo.updateCollection(RunRepository.COLLECTION, new JsonObject().put("_id", retried.id()), new JsonObject().put("$set", new JsonObject()
        .put("attempt", 2).put("seq", RunStatus.QUEUED.sequence(2)))).await();
    Run retriedNow = new Run(retried.id(), retried.taskId(), retried.type(), RunStatus.QUEUED, 2, 3, retried.input(), null, null,
        retried.launchedBy(), retried.createdAt(), null, null, null, true);
    // A worker reported RUNNING before the broker's acknowledgement reached the relay.
    assertThat(runs.apply(RunEvent.of(started.id(), 1, RunStatus.RUNNING, Instant.now(), null, null)).await()).isTrue();

    runs.markPublished(List.of(first, second, retriedNow, started)).await();

    for (Run run : List.of(first, second)) {
      JsonObject doc = runs.findDocument(run.id()).await().orElseThrow();
      assertThat(doc.getString("status")).isEqualTo("PENDING");
      assertThat(doc.getBoolean("outbox")).isFalse();
      assertThat(statuses(doc)).containsExactly("QUEUED", "PENDING");
    }
    JsonObject retriedDoc = runs.findDocument(retried.id()).await().orElseThrow();
    assertThat(retriedDoc.getString("status")).isEqualTo("PENDING");
    assertThat(retriedDoc.getLong("seq")).isEqualTo(RunStatus.PENDING.sequence(2));
    assertThat(retriedDoc.getJsonArray("transitions").getJsonObject(1).getInteger("attempt")).isEqualTo(2);
    JsonObject startedDoc = runs.findDocument(started.id()).await().orElseThrow();
    assertThat(startedDoc.getString("status")).isEqualTo("RUNNING");
    assertThat(startedDoc.getBoolean("outbox")).isFalse();
    assertThat(statuses(startedDoc)).containsExactly("QUEUED", "RUNNING");
    assertThat(runs.countUnpublished().await()).isZero();

    // Marking again (a relay's second publish after a crash) changes nothing.
    runs.markPublished(List.of(first)).await();
    assertThat(statuses(runs.findDocument(first.id()).await().orElseThrow())).containsExactly("QUEUED", "PENDING");
  }

  private static List<String> statuses(JsonObject doc) {
    JsonArray transitions = doc.getJsonArray("transitions");
    return transitions.stream().map(t -> ((JsonObject) t).getString("status")).toList();
  }
}
