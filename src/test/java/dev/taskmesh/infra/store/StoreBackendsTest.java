package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The _id-first collections answer every query shape exactly as the stock ones do. */
class StoreBackendsTest {

  private static Vertx vertx;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static final List<JsonObject> QUERIES = List.of(
      new JsonObject().put("_id", "r7"),
      new JsonObject().put("_id", "r7").put("final", false),
      new JsonObject().put("_id", "r7").put("final", true),
      new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 20)),
      new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 5)),
      new JsonObject().put("_id", "nope").put("final", false),
      new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r1").add("r2").add("r3"))).put("final", false),
      new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r1").add("r1").add("nope").add("r4"))).put("seq", new JsonObject().put("$gte", 0)),
      new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r5").add(7))).put("outbox", true),
      new JsonObject().put("final", false),
      new JsonObject().put("seq", new JsonObject().put("$gte", 10)),
      new JsonObject().put("outbox", true),
      new JsonObject().put("outbox", true).put("seq", new JsonObject().put("$lt", 30)),
      new JsonObject().put("final", false).put("outbox", false),
      new JsonObject().put("final", true).put("outbox", true),
      new JsonObject().put("outbox", false),
      new JsonObject().put("taskId", "t1"),
      new JsonObject().put("taskId", "t1").put("final", false).put("outbox", false),
      new JsonObject().put("taskId", "t9"),
      new JsonObject().put("taskId", "nope"),
      new JsonObject().put("taskId", new JsonObject().put("$in", new JsonArray().add("t0").add("t9"))),
      new JsonObject().put("status", "QUEUED"),
      new JsonObject().put("taskId", "t1").put("status", "QUEUED"),
      new JsonObject().put("taskId", "t1").put("status", "COMPLETED").put("final", false),
      new JsonObject().put("taskId", "t9").put("status", "QUEUED"),
      new JsonObject().put("taskId", "t1").put("status", "nope"),
      // Shapes the packed scan decides from the stored bytes, with documents it must decode to judge:
      // "at" is a string in r7, "label" an array in some runs and a number or absent in others.
      new JsonObject(),
      new JsonObject().put("at", new JsonObject().put("$gte", date(2)).put("$lt", date(5))),
      new JsonObject().put("at", new JsonObject().put("$gt", date(2)).put("$lte", date(5))),
      new JsonObject().put("taskId", "t1").put("at", new JsonObject().put("$lt", date(4))),
      new JsonObject().put("label", "x"),
      new JsonObject().put("label", "y").put("status", "COMPLETED"),
      new JsonObject().put("final", false).put("status", "COMPLETED"),
      new JsonObject().put("seq", 7),
      // Ranges of ids, which the H2 collection reads from its key order (IdRange): bounds of each
      // kind, with other conditions, empty, and a bound that is not a string (the stock path).
      new JsonObject().put("_id", new JsonObject().put("$lt", "r3")),
      new JsonObject().put("_id", new JsonObject().put("$lte", "r3")).put("final", true),
      new JsonObject().put("_id", new JsonObject().put("$gt", "r2").put("$lt", "r35")).put("status", "COMPLETED"),
      new JsonObject().put("_id", new JsonObject().put("$gte", "r2").put("$lte", "r25").put("$lt", "r22"))
          .put("status", new JsonObject().put("$in", new JsonArray().add("COMPLETED").add("CANCELLED"))),
      new JsonObject().put("_id", new JsonObject().put("$gt", "r9")),
      new JsonObject().put("_id", new JsonObject().put("$gt", "r5").put("$lt", "r4")),
      new JsonObject().put("_id", new JsonObject().put("$lt", 5)),
      // Equalities on indexed values only, which the indexes count without reading (MemoryIndexes.exactCount).
      new JsonObject().put("status", "COMPLETED"),
      new JsonObject().put("status", "RUNNING"),
      new JsonObject().put("outbox", true).put("status", "COMPLETED"),
      // Groups whose combinations the store counts (CombinationCounts), and shapes next to them it must not answer that way.
      new JsonObject().put("launchedBy", "u1"),
      new JsonObject().put("launchedBy", "u0").put("status", "COMPLETED"),
      new JsonObject().put("launchedBy", "u1").put("taskId", "t2"),
      new JsonObject().put("launchedBy", "u0").put("taskId", "t1").put("status", "QUEUED"),
      new JsonObject().put("launchedBy", "u0").put("final", false),
      new JsonObject().put("launchedBy", 9),
      new JsonObject().put("launchedBy", "nobody"));

  private static JsonObject date(int second) {
    return new JsonObject().put("$date", java.time.Instant.ofEpochSecond(1_800_000_000L + second).toString());
  }

  private static void seed(MongoClient client) {
    for (int i = 0; i < 50; i++) {
      client.insert("runs", new JsonObject().put("_id", "r" + i).put("final", i % 2 == 0).put("seq", i).put("outbox", i % 5 == 0)
          .put("taskId", "t" + i % 3).put("launchedBy", i == 9 ? 9 : "u" + i % 2) // r9: a launcher that is not a string
          .put("status", i % 4 == 0 ? "QUEUED" : "COMPLETED")
          .put("at", i == 7 ? "not a date" : date(i % 7))
          .put("label", i % 6 == 0 ? new JsonArray().add("x").add("y") : i % 6 == 1 ? "x" : i % 6 == 2 ? 3 : null)).await();
    }
    // Flags move, documents go: the indexed flags must follow (MemoryIndexes).
    client.updateCollection("runs", new JsonObject().put("_id", "r10"), new JsonObject().put("$set", new JsonObject().put("outbox", false))).await();
    client.updateCollection("runs", new JsonObject().put("_id", "r11"), new JsonObject().put("$set", new JsonObject().put("outbox", true))).await();
    client.updateCollection("runs", new JsonObject().put("_id", "r12"), new JsonObject().put("$set", new JsonObject().put("final", false).put("taskId", "t9").put("status", "QUEUED"))).await();
    client.updateCollection("runs", new JsonObject().put("_id", "r14"), new JsonObject().put("$unset", new JsonObject().put("taskId", ""))).await();
    client.updateCollection("runs", new JsonObject().put("_id", "r16"), new JsonObject().put("$set", new JsonObject().put("launchedBy", "u1"))).await();
    client.updateCollection("runs", new JsonObject().put("_id", "r18"), new JsonObject().put("$unset", new JsonObject().put("launchedBy", ""))).await();
    client.removeDocument("runs", new JsonObject().put("_id", "r15")).await();
    client.removeDocument("runs", new JsonObject().put("_id", "r13")).await();
  }

  private static List<List<JsonObject>> answers(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      return QUERIES.stream()
          .map(q -> store.client().findWithOptions("runs", q, new FindOptions().setSort(new JsonObject().put("_id", 1))).await())
          .toList();
    }
  }

  @Test
  void everyQueryShapeAnswersAsTheStockMemoryBackendDoes() {
    List<List<JsonObject>> expected = answers(MemoryBackend::new);
    assertThat(answers(StoreBackends::memory)).isEqualTo(expected);
    assertThat(expected.get(1)).hasSize(1); // r7 is not final
    assertThat(expected.get(2)).isEmpty(); // so the guard final=true excludes it
    assertThat(expected.get(3)).hasSize(1);
    assertThat(expected.get(6)).extracting(d -> d.getString("_id")).containsExactly("r1", "r3");
    assertThat(expected.get(7)).extracting(d -> d.getString("_id")).containsExactly("r1", "r4"); // duplicates and unknown ids in $in
    assertThat(expected.get(11)).extracting(d -> d.getString("_id")).contains("r11").doesNotContain("r10", "r15");
    assertThat(expected.get(18)).extracting(d -> d.getString("_id")).containsExactly("r12");
    // Two pinned key sets agree on their common documents (r12 moved to t9 and QUEUED).
    assertThat(expected.get(22)).extracting(d -> d.getString("_id")).containsExactly("r16", "r28", "r4", "r40");
    assertThat(expected.get(24)).extracting(d -> d.getString("_id")).containsExactly("r12");
  }

  @Test
  void everyQueryShapeAnswersAsTheStockH2BackendDoes() {
    List<List<JsonObject>> expected = answers(() -> new H2Backend(dir.resolve("stock.mv").toString()));
    assertThat(answers(() -> StoreBackends.h2(dir.resolve("fast.mv").toString()))).isEqualTo(expected);
  }

  /**
   * Pages of id ranges, unsorted and in key order either way (which the H2 collection cuts as it
   * reads the range), and their counts. The second query is the shape of a run list between two
   * times: an id range with exclusive bounds that are stored keys, and conditions the stored bytes
   * decide ({@link PackedScan}) or cannot (r7's "at" is a string).
   */
  private static List<List<JsonObject>> idRangePages(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      JsonObject oldFinished = new JsonObject().put("_id", new JsonObject().put("$lt", "r40")).put("final", true);
      JsonObject between = new JsonObject().put("_id", new JsonObject().put("$gt", "r2").put("$lt", "r45"))
          .put("status", "COMPLETED").put("at", new JsonObject().put("$gte", date(2)));
      // A task's runs within a range (a cursor page of its runs): the task's positions, not the range's keys, are read.
      JsonObject tasksBetween = new JsonObject().put("_id", new JsonObject().put("$gt", "r1").put("$lte", "r40")).put("taskId", "t1");
      JsonObject tasksBefore = new JsonObject().put("_id", new JsonObject().put("$lt", "r34")).put("taskId", "t2").put("outbox", false);
      List<List<JsonObject>> seen = new java.util.ArrayList<>();
      for (JsonObject query : List.of(oldFinished, between, tasksBetween, tasksBefore)) {
        for (JsonObject order : List.of(new JsonObject(), new JsonObject().put("_id", 1), new JsonObject().put("_id", -1))) {
          for (int[] page : PAGES) {
            FindOptions options = new FindOptions().setSort(order).setSkip(page[0]).setLimit(page[1]).setFields(new JsonObject().put("_id", 1));
            seen.add(store.client().findWithOptions("runs", query, options).await());
          }
        }
        seen.add(List.of(count(store.client(), query, new JsonObject())));
      }
      return seen;
    }
  }

  @Test
  void idRangePagesAnswerAsTheStockH2BackendDoes() {
    List<List<JsonObject>> expected = idRangePages(() -> new H2Backend(dir.resolve("stock-range.mv").toString()));
    assertThat(idRangePages(() -> StoreBackends.h2(dir.resolve("fast-range.mv").toString()))).isEqualTo(expected);
    assertThat(expected.get(PAGES.size() + 2)).as("skip 2, limit 3, in key order")
        .containsExactly(new JsonObject().put("_id", "r14"), new JsonObject().put("_id", "r16"), new JsonObject().put("_id", "r18"));
    assertThat(expected.get(2 * PAGES.size() + 1)).as("last key first: \"r4\" sorts after \"r38\"").containsExactly(new JsonObject().put("_id", "r4"));
    assertThat(expected.get(3 * PAGES.size() + 1 + 2 * PAGES.size() + 1)).as("the list between two times, newest first, the first")
        .containsExactly(new JsonObject().put("_id", "r41"));
  }

  /**
   * Reads by id asking for a few fields (the worker's pre-check, {@link ProjectedReads}): fields of
   * every type, absent, removed or arrays (decoded whole), and shapes beside them the stock path
   * answers (an excluded id, a non-string id, another condition, a dotted field, a sort).
   */
  private static List<List<JsonObject>> projectedReads(Supplier<MongoBackend> backend) {
    JsonObject fewFields = new JsonObject().put("status", 1).put("seq", 1).put("final", 1).put("attempt", 1);
    JsonArray ids = new JsonArray().add("r3").add("r1").add("r1").add("nope").add("r13").add("r4").add("r12").add("r14");
    List<JsonObject[]> reads = List.of(
        new JsonObject[] {new JsonObject().put("_id", "r7"), fewFields},
        new JsonObject[] {new JsonObject().put("_id", new JsonObject().put("$in", ids)), fewFields},
        new JsonObject[] {new JsonObject().put("_id", new JsonObject().put("$in", ids)), new JsonObject().put("_id", 1).put("taskId", true)},
        new JsonObject[] {new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r6").add("r7").add("r2").add("r18"))),
            new JsonObject().put("label", 1).put("at", 1).put("launchedBy", 1)},
        new JsonObject[] {new JsonObject().put("_id", "r7"), new JsonObject().put("_id", 0).put("status", 1)},
        new JsonObject[] {new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r1").add(7))), fewFields},
        new JsonObject[] {new JsonObject().put("_id", "r7").put("final", false), fewFields},
        new JsonObject[] {new JsonObject().put("_id", "r6"), new JsonObject().put("label.x", 1)},
        new JsonObject[] {new JsonObject().put("_id", "r6"), new JsonObject().put("label", 0)});
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      List<List<JsonObject>> seen = new java.util.ArrayList<>();
      for (JsonObject[] read : reads) {
        List<JsonObject> found = new java.util.ArrayList<>(store.client().findWithOptions("runs", read[0], new FindOptions().setFields(read[1])).await());
        found.sort(java.util.Comparator.comparing(doc -> doc.getString("_id")));
        seen.add(found);
      }
      seen.add(store.client().findWithOptions("runs", new JsonObject().put("_id", new JsonObject().put("$in", ids)),
          new FindOptions().setFields(fewFields).setSort(new JsonObject().put("_id", -1))).await());
      return seen;
    }
  }

  @Test
  void readsByIdOfAFewFieldsAnswerAsTheStockH2BackendDoes() {
    List<List<JsonObject>> expected = projectedReads(() -> new H2Backend(dir.resolve("stock-projected.mv").toString()));
    assertThat(projectedReads(() -> StoreBackends.h2(dir.resolve("fast-projected.mv").toString()))).isEqualTo(expected);
    assertThat(expected.get(1)).as("r13 removed, no attempt field").containsExactly(
        new JsonObject().put("_id", "r1").put("status", "COMPLETED").put("seq", 1).put("final", false),
        new JsonObject().put("_id", "r12").put("status", "QUEUED").put("seq", 12).put("final", false),
        new JsonObject().put("_id", "r14").put("status", "COMPLETED").put("seq", 14).put("final", true),
        new JsonObject().put("_id", "r3").put("status", "COMPLETED").put("seq", 3).put("final", false),
        new JsonObject().put("_id", "r4").put("status", "QUEUED").put("seq", 4).put("final", true));
    assertThat(expected.get(2)).contains(new JsonObject().put("_id", "r14"), new JsonObject().put("_id", "r12").put("taskId", "t9"));
    assertThat(expected.get(3).get(0)).as("r18: no launcher, an array (decoded whole), a date")
        .isEqualTo(new JsonObject().put("_id", "r18").put("label", new JsonArray().add("x").add("y")).put("at", date(4)));
  }

  /**
   * Runs keyed by UUIDs, as the pipeline keys them (the H2 collection's indexes hold such ids as
   * their bits, {@link CompactIds}), and one id in upper case (held as text): the indexed queries
   * and newest-first pages answer as the stock H2 backend does.
   */
  private static List<List<JsonObject>> uuidAnswers(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = new java.util.UUID((1_800_000_000_000L + i * 7L) << 16 | 0x7000 | i, 0x8000_0000_0000_0000L | i * 31L).toString();
        ids.add(i == 13 ? id.toUpperCase() : id);
        store.client().insert("runs", new JsonObject().put("_id", ids.get(i)).put("taskId", "t" + i % 3).put("status", "QUEUED")
            .put("final", false).put("outbox", i % 4 == 0)).await();
      }
      for (int i = 0; i < 40; i += 3) {
        store.client().updateCollection("runs", new JsonObject().put("_id", ids.get(i)),
            new JsonObject().put("$set", new JsonObject().put("status", "COMPLETED").put("final", true).put("outbox", false))).await();
      }
      store.client().removeDocument("runs", new JsonObject().put("_id", ids.get(6))).await();
      store.client().removeDocument("runs", new JsonObject().put("_id", ids.get(13))).await();
      List<List<JsonObject>> seen = new java.util.ArrayList<>();
      for (JsonObject query : List.of(new JsonObject().put("taskId", "t1"), new JsonObject().put("status", "COMPLETED"),
          new JsonObject().put("taskId", "t2").put("status", "QUEUED"), new JsonObject().put("final", false),
          new JsonObject().put("outbox", true), new JsonObject().put("taskId", "t0").put("final", false).put("outbox", false))) {
        seen.add(store.client().findWithOptions("runs", query, new FindOptions().setSort(new JsonObject().put("_id", -1)).setLimit(5)).await());
        seen.add(store.client().findWithOptions("runs", query, new FindOptions()).await());
        seen.add(List.of(count(store.client(), query, new JsonObject())));
      }
      // Cursor pages of a task's runs, both ways from a run of it, and from a run of another task.
      for (int from : new int[] {25, 26, 3, 38}) {
        seen.add(store.client().findWithOptions("runs", new JsonObject().put("taskId", "t1").put("_id", new JsonObject().put("$lt", ids.get(from))),
            new FindOptions().setSort(new JsonObject().put("_id", -1)).setLimit(4)).await());
        seen.add(store.client().findWithOptions("runs", new JsonObject().put("taskId", "t1").put("_id", new JsonObject().put("$gt", ids.get(from))),
            new FindOptions().setSort(new JsonObject().put("_id", 1)).setLimit(4)).await());
      }
      // The outbox relay's batch: the oldest unpublished runs by id, cut at the limit.
      seen.add(store.client().findWithOptions("runs", new JsonObject().put("outbox", true),
          new FindOptions().setSort(new JsonObject().put("_id", 1)).setLimit(3)).await());
      return seen;
    }
  }

  @Test
  void runsKeyedByUuidsAnswerAsTheStockH2BackendDoes() {
    List<List<JsonObject>> expected = uuidAnswers(() -> new H2Backend(dir.resolve("stock-uuid.mv").toString()));
    assertThat(uuidAnswers(() -> StoreBackends.h2(dir.resolve("fast-uuid.mv").toString()))).isEqualTo(expected);
    assertThat(expected.get(1)).as("the runs of t1, less the one deleted").hasSize(12);
    assertThat(expected.get(expected.size() - 1)).as("outbox oldest first").hasSize(3);
  }

  @Test
  void pagesReadBackFromTheFileAnswerAlikeWithAnyPageCache() {
    List<List<JsonObject>> expected = answers(() -> new H2Backend(dir.resolve("stock-cached.mv").toString()));
    for (int cacheMb : new int[] {0, 1, StoreBackends.DEFAULT_CACHE_MB, 16}) {
      MongoBackend backend = StoreBackends.h2(dir.resolve("cache-" + cacheMb + ".mv").toString(), cacheMb);
      MVStore mvStore = ((H2Backend) backend).getMvStore();
      assertThat(mvStore.getCacheSize()).as("cache of %d MB", cacheMb).isEqualTo(cacheMb);
      try (TestStore store = TestStore.start(vertx, backend)) {
        seed(store.client());
        mvStore.commit(); // the trees let go of their saved pages: the queries read them back
        assertThat(QUERIES.stream()
            .map(q -> store.client().findWithOptions("runs", q, new FindOptions().setSort(new JsonObject().put("_id", 1))).await())
            .toList()).as("cache of %d MB", cacheMb).isEqualTo(expected);
      }
    }
  }

  @Test
  void h2CommitsWhatWaitedAFifthOfASecondUnlessTunedOtherwise() {
    MongoBackend byDefault = StoreBackends.h2(dir.resolve("delay.mv").toString());
    MongoBackend tuned = StoreBackends.h2(dir.resolve("delay-tuned.mv").toString(), new StoreBackends.H2Tuning(4, 1_000), InsertAdmission.always());
    try {
      assertThat(((H2Backend) byDefault).getMvStore().getAutoCommitDelay()).isEqualTo(200);
      assertThat(((H2Backend) tuned).getMvStore().getAutoCommitDelay()).isEqualTo(1_000);
      assertThat(((H2Backend) tuned).getMvStore().getCacheSize()).isEqualTo(4);
    } finally {
      byDefault.close();
      tuned.close();
    }
  }

  @Test
  void h2sAutoCommitBufferIsAThirtySecondOfTheHeapBetweenOneAndTwoMegabytes() {
    long mb = 1024 * 1024;
    assertThat(StoreBackends.autoCommitBufferKb(48 * mb)).isEqualTo(1536);
    assertThat(StoreBackends.autoCommitBufferKb(256 * mb)).isEqualTo(2 * 1024);
    assertThat(StoreBackends.autoCommitBufferKb(6 * 1024 * mb)).isEqualTo(2 * 1024);
    assertThat(StoreBackends.autoCommitBufferKb(16 * mb)).isEqualTo(1024);
  }

  /**
   * The _id index read without the stock path for string ids ({@link BsonUniqueIndex}): inserts,
   * a duplicate (refused with the stock error), deletes and an id inserted again, ids of other
   * types beside them, and a unique index of two fields.
   */
  private static List<Object> uniqueKeys(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      MongoClient client = store.client();
      List<Object> seen = new java.util.ArrayList<>();
      client.createIndexWithOptions("runs", new JsonObject().put("taskId", 1).put("n", 1), new io.vertx.ext.mongo.IndexOptions().unique(true)).await();
      for (Object id : List.of("a", "b", 7, 7.5, "c")) {
        client.insert("runs", new JsonObject().put("_id", id).put("taskId", "t").put("n", String.valueOf(id))).await();
      }
      for (JsonObject duplicate : List.of(new JsonObject().put("_id", "a").put("n", "other"), new JsonObject().put("_id", 7).put("n", "x"),
          new JsonObject().put("_id", "d").put("taskId", "t").put("n", "b"))) {
        seen.add(failureOf(() -> client.insert("runs", duplicate).await()));
      }
      client.removeDocument("runs", new JsonObject().put("_id", "a")).await();
      client.removeDocument("runs", new JsonObject().put("_id", 7)).await();
      client.insert("runs", new JsonObject().put("_id", "a").put("taskId", "t").put("n", "again")).await();
      seen.add(failureOf(() -> client.insert("runs", new JsonObject().put("_id", "a")).await()));
      seen.add(client.findWithOptions("runs", new JsonObject(), new FindOptions().setSort(new JsonObject().put("n", 1))).await());
      seen.add(client.find("runs", new JsonObject().put("_id", "a")).await());
      return seen;
    }
  }

  private static String failureOf(Runnable write) {
    try {
      write.run();
      return "written";
    } catch (RuntimeException e) {
      return e.getMessage().replaceAll("server [0-9.]+:[0-9]+", "server"); // each store has its own port
    }
  }

  @Test
  void uniqueKeysAnswerAsTheStockH2BackendDoes() {
    List<Object> expected = uniqueKeys(() -> new H2Backend(dir.resolve("stock-unique.mv").toString()));
    assertThat(uniqueKeys(() -> StoreBackends.h2(dir.resolve("fast-unique.mv").toString()))).isEqualTo(expected);
    assertThat(expected.get(0)).asString().contains("E11000 duplicate key error").contains("_id_");
    assertThat(expected.get(2)).asString().contains("E11000");
    assertThat(expected.get(3)).asString().contains("E11000");
  }

  @Test
  void aPingFailsOnceH2HasClosedItsStoreAfterAFailedWrite() {
    MongoBackend backend = StoreBackends.h2(dir.resolve("closing.mv").toString());
    try (TestStore store = TestStore.start(vertx, backend)) {
      JsonObject ping = new JsonObject().put("ping", 1);
      assertThat(store.client().runCommand("ping", ping).await().getDouble("ok")).isEqualTo(1.0);
      MVStore mvStore = ((H2Backend) backend).getMvStore();
      // What H2 does when its background writer fails (an OutOfMemoryError while encoding a chunk, a full disk).
      assertThatThrownBy(() -> mvStore.panic(DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED, "simulated write failure")))
          .isInstanceOf(MVStoreException.class);
      assertThatThrownBy(() -> store.client().runCommand("ping", ping).await())
          .hasMessageContaining("the embedded store closed itself after a failed write (simulated write failure");
    }
  }

  /** The {@code count} command's reply for the runs matching {@code query}, with {@code options} (skip, limit). */
  private static JsonObject count(MongoClient client, JsonObject query, JsonObject options) {
    return client.runCommand("count", new JsonObject().put("count", "runs").put("query", query).mergeIn(options)).await();
  }

  /** The {@code count} command (how run lists get their total) queries with the projection {@code {_id: 1}}. */
  private static List<Long> counts(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      List<Long> seen = new java.util.ArrayList<>();
      for (JsonObject query : QUERIES) {
        seen.add(count(store.client(), query, new JsonObject()).getLong("n"));
      }
      for (JsonObject query : QUERIES) { // with a skip and a limit, which the H2 collection applies to its own count
        for (int[] page : new int[][] {{3, 0}, {2, 5}, {60, 0}}) {
          seen.add(count(store.client(), query, new JsonObject().put("skip", page[0]).put("limit", page[1])).getLong("n"));
        }
      }
      return seen;
    }
  }

  @Test
  void everyQueryShapeCountsAsTheStockH2BackendDoes() {
    List<Long> expected = counts(() -> new H2Backend(dir.resolve("stock.mv").toString()));
    assertThat(counts(() -> StoreBackends.h2(dir.resolve("fast.mv").toString()))).isEqualTo(expected);
    int label = QUERIES.indexOf(new JsonObject().put("label", "x"));
    assertThat(expected.get(label)).isEqualTo(17L); // r0, r1, r6, r7, ... : the arrays holding "x" and the plain "x"
  }

  @Test
  void everyQueryShapeCountsAsTheStockMemoryBackendDoes() {
    List<Long> expected = counts(MemoryBackend::new);
    assertThat(counts(StoreBackends::memory)).isEqualTo(expected);
    assertThat(expected.get(QUERIES.indexOf(new JsonObject().put("status", "COMPLETED"))))
        .as("the 37 runs not a multiple of four, less the deleted r13 and r15").isEqualTo(35L);
  }

  /**
   * Sorted pages come from {@link SortedSelection} (keys read once, a bounded heap for a limit):
   * every query shape, several orders (descending, two keys, a key some documents lack, dates with
   * ties and one string among them, string ids both ways) and pages
   * (all, the first, one in the middle, past the end) answer as the stock backends do.
   */
  private static final List<JsonObject> ORDERS = List.of(new JsonObject().put("seq", -1), new JsonObject().put("final", 1).put("seq", -1),
      new JsonObject().put("taskId", -1).put("seq", 1), new JsonObject().put("at", -1).put("_id", -1),
      new JsonObject().put("at", 1).put("_id", 1), new JsonObject().put("status", -1));
  private static final List<int[]> PAGES = List.of(new int[] {0, 0}, new int[] {0, 1}, new int[] {2, 3}, new int[] {5, 100}, new int[] {60, 5});

  private static List<List<JsonObject>> sortedPages(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      List<List<JsonObject>> seen = new java.util.ArrayList<>();
      for (JsonObject query : QUERIES) {
        for (JsonObject order : ORDERS) {
          for (int[] page : PAGES) {
            FindOptions options = new FindOptions().setSort(order).setSkip(page[0]).setLimit(page[1]);
            seen.add(store.client().findWithOptions("runs", query, options).await());
          }
        }
      }
      return seen;
    }
  }

  @Test
  void sortedPagesAnswerAsTheStockBackendsDo() {
    List<List<JsonObject>> stockMemory = sortedPages(MemoryBackend::new);
    assertSamePages(sortedPages(StoreBackends::memory), stockMemory);
    assertSamePages(sortedPages(() -> StoreBackends.h2(dir.resolve("fast.mv").toString())),
        sortedPages(() -> new H2Backend(dir.resolve("stock.mv").toString())));
    // The query {final: false} (index 9) ordered by seq descending, second page of 3: r45, r43, r41.
    assertThat(stockMemory.get(9 * ORDERS.size() * PAGES.size() + 2)).extracting(d -> d.getString("_id")).containsExactly("r45", "r43", "r41");
  }

  /** Names the first query, order and page that differ, instead of printing every page. */
  private static void assertSamePages(List<List<JsonObject>> actual, List<List<JsonObject>> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    int perQuery = ORDERS.size() * PAGES.size();
    for (int i = 0; i < expected.size(); i++) {
      int[] page = PAGES.get(i % PAGES.size());
      assertThat(actual.get(i)).as("query %s, order %s, skip %d, limit %d", QUERIES.get(i / perQuery),
          ORDERS.get(i % perQuery / PAGES.size()), page[0], page[1]).isEqualTo(expected.get(i));
    }
  }

  private static List<JsonObject> allRuns(MongoClient client) {
    return client.findWithOptions("runs", new JsonObject(), new FindOptions().setSort(new JsonObject().put("_id", 1))).await();
  }

  /** A multi-document update's matched and modified counts. */
  private static List<Long> updateMany(MongoClient client, JsonObject selector, JsonObject update) {
    var result = client.updateCollectionWithOptions("runs", selector, update, new io.vertx.ext.mongo.UpdateOptions().setMulti(true)).await();
    return List.of(result.getDocMatched(), result.getDocModified());
  }

  /** Multi-document updates of id lists (the outbox markers' shape) go id by id here: same counts, same documents. */
  private static List<Object> afterUpdates(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      JsonArray ids = new JsonArray();
      for (int i = 0; i < 40; i += 3) {
        ids.add("r" + i);
      }
      ids.add("r3").add("nope");
      List<Object> seen = new java.util.ArrayList<>();
      for (JsonObject guard : List.of(new JsonObject(), new JsonObject().put("outbox", true), new JsonObject().put("seq", new JsonObject().put("$lt", 20)))) {
        JsonObject selector = guard.copy().put("_id", new JsonObject().put("$in", ids));
        seen.add(updateMany(store.client(), selector,
            new JsonObject().put("$set", new JsonObject().put("outbox", false)).put("$inc", new JsonObject().put("seq", 100))));
      }
      seen.add(allRuns(store.client()));
      return seen;
    }
  }

  @Test
  void multiDocumentUpdatesOfIdListsAnswerAsTheStockBackendsDo() {
    List<Object> expected = afterUpdates(MemoryBackend::new);
    assertThat(afterUpdates(StoreBackends::memory)).isEqualTo(expected);
    assertThat(afterUpdates(() -> StoreBackends.h2(dir.resolve("fast-updates.mv").toString())))
        .isEqualTo(afterUpdates(() -> new H2Backend(dir.resolve("stock-updates.mv").toString())))
        .isEqualTo(expected);
    assertThat(expected.get(0)).as("13 known ids, one twice, one unknown").isEqualTo(List.of(13L, 13L));
    assertThat(expected.get(1)).as("none is still in the outbox").isEqualTo(List.of(0L, 0L));
  }

  /** Updates of one run by id, in the shapes the pipeline writes and in shapes the short path leaves to the general one. */
  private static List<Object> afterSingleUpdates(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      store.client().updateCollection("runs", new JsonObject().put("_id", "r20"),
          new JsonObject().put("$set", new JsonObject().put("transitions", new JsonArray().add(new JsonObject().put("status", "QUEUED"))))).await();
      JsonObject terminal = new JsonObject()
          .put("$set", new JsonObject().put("status", "COMPLETED").put("seq", 30).put("final", true).put("outbox", false)
              .put("result", new JsonObject().put("n", 1).put("list", new JsonArray().add(1).add("x"))).put("error", (Object) null))
          .put("$push", new JsonObject().put("transitions", new JsonObject().put("status", "COMPLETED").put("at", 12)));
      List<JsonObject[]> updates = List.of(
          new JsonObject[] {new JsonObject().put("_id", "r20").put("final", true).put("seq", new JsonObject().put("$lt", 30)), terminal},
          new JsonObject[] {new JsonObject().put("_id", "r21").put("final", false).put("seq", new JsonObject().put("$lt", 30)), terminal},
          new JsonObject[] {new JsonObject().put("_id", "r20").put("final", true).put("seq", new JsonObject().put("$lt", 30)), terminal},
          new JsonObject[] {new JsonObject().put("_id", "r20").put("final", true).put("seq", new JsonObject().put("$lte", 20)), terminal},
          new JsonObject[] {new JsonObject().put("_id", "r22").put("seq", 22L), new JsonObject().put("$set", new JsonObject().put("seq", 22))},
          new JsonObject[] {new JsonObject().put("_id", "r22").put("seq", 22.0), new JsonObject().put("$set", new JsonObject().put("seq", 23.5))},
          new JsonObject[] {new JsonObject().put("_id", "r23").put("outbox", false), new JsonObject().put("$unset", new JsonObject().put("taskId", "")).put("$set", new JsonObject().put("extra", "e"))},
          new JsonObject[] {new JsonObject().put("_id", "r24").put("taskId", "t0"), new JsonObject().put("$push", new JsonObject().put("taskId", "t9"))},
          new JsonObject[] {new JsonObject().put("_id", "r25").put("missing", new JsonObject().put("$exists", false)), new JsonObject().put("$inc", new JsonObject().put("seq", 1))},
          new JsonObject[] {new JsonObject().put("_id", "r26").put("gone", (Object) null), new JsonObject().put("$set", new JsonObject().put("n.m", 1))},
          new JsonObject[] {new JsonObject().put("_id", "nope").put("final", false), terminal},
          // A unique index still holds on the short path, and is left alone when its field does not change.
          new JsonObject[] {new JsonObject().put("_id", "r30"), new JsonObject().put("$set", new JsonObject().put("slot", "a"))},
          new JsonObject[] {new JsonObject().put("_id", "r31"), new JsonObject().put("$set", new JsonObject().put("slot", "a"))},
          new JsonObject[] {new JsonObject().put("_id", "r31"), new JsonObject().put("$set", new JsonObject().put("slot", "b"))},
          new JsonObject[] {new JsonObject().put("_id", "r30"), new JsonObject().put("$set", new JsonObject().put("status", "DONE"))},
          new JsonObject[] {new JsonObject().put("_id", "r32"), new JsonObject().put("$set", new JsonObject().put("slot", "a"))});
      store.client().createIndexWithOptions("runs", new JsonObject().put("slot", 1), new io.vertx.ext.mongo.IndexOptions().unique(true).sparse(true)).await();
      List<Object> seen = new java.util.ArrayList<>();
      for (JsonObject[] update : updates) {
        seen.add(store.client().updateCollection("runs", update[0], update[1])
            .map(r -> (Object) List.of(r.getDocMatched(), r.getDocModified()))
            .otherwise(e -> "refused: " + e.getMessage().replaceAll("server [^ ]+", "server"))
            .await());
      }
      seen.add(allRuns(store.client()));
      return seen;
    }
  }

  /**
   * Id-list updates whose guards the stored bytes refute without decoding (a string or boolean that
   * differs), beside look-alikes only the decoded document decides (an array holding the value, a
   * number, a null).
   */
  private static List<Object> afterGuardedIdListUpdates(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      seed(store.client());
      List<JsonObject[]> updates = List.of(
          new JsonObject[] {new JsonObject().put("_id", "r33").put("status", "QUEUED").put("seq", new JsonObject().put("$lt", 100)), probe(1)},
          new JsonObject[] {new JsonObject().put("_id", "r33").put("status", "COMPLETED").put("final", true), probe(2)},
          new JsonObject[] {new JsonObject().put("_id", "r33").put("status", "COMPLETED").put("final", false), probe(3)},
          new JsonObject[] {new JsonObject().put("_id", "r36").put("label", "x"), probe(4)},
          new JsonObject[] {new JsonObject().put("_id", "r37").put("label", "y"), probe(5)},
          new JsonObject[] {new JsonObject().put("_id", "r38").put("label", "3"), probe(6)},
          new JsonObject[] {new JsonObject().put("_id", "r39").put("label", true), probe(7)},
          new JsonObject[] {new JsonObject().put("_id", "r41").put("status", "true"), probe(8)});
      List<Object> seen = new java.util.ArrayList<>();
      for (JsonObject[] update : updates) {
        JsonObject selector = update[0].copy().put("_id", new JsonObject().put("$in", new JsonArray().add(update[0].getString("_id")).add("nope")));
        seen.add(updateMany(store.client(), selector, update[1]));
      }
      seen.add(allRuns(store.client()));
      return seen;
    }
  }

  @Test
  void idListUpdatesRefutedFromTheBytesAnswerAsTheStockBackendsDo() {
    List<Object> expected = afterGuardedIdListUpdates(MemoryBackend::new);
    assertThat(afterGuardedIdListUpdates(() -> StoreBackends.h2(dir.resolve("fast-guarded.mv").toString())))
        .isEqualTo(afterGuardedIdListUpdates(() -> new H2Backend(dir.resolve("stock-guarded.mv").toString())))
        .isEqualTo(expected);
    assertThat(expected.subList(0, 8)).as("only r33 with its true status and r36, whose array holds 'x', match").isEqualTo(List.of(
        List.of(0L, 0L), List.of(0L, 0L), List.of(1L, 1L), List.of(1L, 1L), List.of(0L, 0L), List.of(0L, 0L), List.of(0L, 0L), List.of(0L, 0L)));
  }

  private static JsonObject probe(int n) {
    return new JsonObject().put("$set", new JsonObject().put("probe", n));
  }

  @Test
  void singleRunUpdatesAnswerAsTheStockH2BackendDoes() {
    List<Object> expected = afterSingleUpdates(() -> new H2Backend(dir.resolve("stock-single.mv").toString()));
    assertThat(afterSingleUpdates(() -> StoreBackends.h2(dir.resolve("fast-single.mv").toString()))).isEqualTo(expected);
    assertThat(expected.get(0)).isEqualTo(List.of(1L, 1L));
    assertThat(expected.get(1)).isEqualTo(List.of(1L, 1L));
    assertThat(expected.get(2)).as("seq is 30 now: the guard refuses").isEqualTo(List.of(0L, 0L));
    assertThat(expected.get(4)).as("22 over 22L changes nothing").isEqualTo(List.of(1L, 0L));
    assertThat(expected.get(7).toString()).as("$push onto a string is refused").startsWith("refused");
    assertThat(expected.get(12).toString()).as("a second 'a' in a unique field").startsWith("refused");
    assertThat(expected.subList(13, 15)).isEqualTo(List.of(List.of(1L, 1L), List.of(1L, 1L)));
    assertThat(expected.get(15).toString()).as("r30 still holds 'a'").startsWith("refused");
  }

  @Test
  void guardedUpdatesChangeOnlyWhenTheGuardHolds() {
    try (TestStore store = TestStore.start(vertx, StoreBackends.memory())) {
      seed(store.client());
      JsonObject set = new JsonObject().put("$set", new JsonObject().put("seq", 100));
      assertThat(store.client().updateCollection("runs", new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 5)), set)
          .await().getDocModified()).isZero();
      assertThat(store.client().updateCollection("runs", new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 50)), set)
          .await().getDocModified()).isEqualTo(1);
      assertThat(store.client().findOne("runs", new JsonObject().put("_id", "r7"), null).await().getInteger("seq")).isEqualTo(100);
    }
  }

  @Test
  void aFileInMongoJavaServersOwnLayoutIsConvertedOnceAndKeepsDocumentsAndUniqueIndexes() {
    String file = dir.resolve("old.mv").toString();
    JsonObject rich = new JsonObject().put("_id", "a").put("email", "a@x").put("n", 1).put("big", 9_007_199_254_740_993L)
        .put("ratio", 0.5).put("flag", true).put("none", (Object) null)
        .put("at", new JsonObject().put("$date", "2026-11-28T05:00:00Z"))
        .put("nested", new JsonObject().put("list", new JsonArray().add(1).add("two").add(new JsonObject().put("three", 3))));
    try (TestStore store = TestStore.start(vertx, new H2Backend(file))) {
      store.client().createIndexWithOptions("users", new JsonObject().put("email", 1), new io.vertx.ext.mongo.IndexOptions().unique(true)).await();
      store.client().insert("users", rich).await();
      store.client().insert("users", new JsonObject().put("_id", "b").put("email", "b@x")).await();
    }
    for (int reopen = 1; reopen <= 2; reopen++) { // converted at the first open, read as is at the second
      try (TestStore store = TestStore.start(vertx, StoreBackends.h2(file))) {
        assertThat(store.client().findOne("users", new JsonObject().put("_id", "a"), null).await()).isEqualTo(rich);
        assertThat(store.client().count("users", new JsonObject()).await()).isEqualTo(reopen == 1 ? 2 : 3);
        Throwable duplicate = store.client().insert("users", new JsonObject().put("_id", "c" + reopen).put("email", "b@x"))
            .transform(done -> io.vertx.core.Future.succeededFuture(done.cause())).await();
        assertThat(duplicate).isNotNull();
        assertThat(dev.taskmesh.infra.MongoErrors.duplicateKey(duplicate)).isTrue();
        if (reopen == 1) {
          store.client().insert("users", new JsonObject().put("_id", "d").put("email", "d@x")).await();
        }
      }
    }
  }

  @Test
  void aConcurrentBatchOfInsertsReportsEachDuplicateByItself() {
    try (TestStore store = TestStore.start(vertx, StoreBackends.h2(dir.resolve("bulk.mv").toString()))) {
      store.client().insert("runs", new JsonObject().put("_id", "taken")).await();
      var operations = List.of("free-1", "taken", "free-2").stream()
          .map(id -> io.vertx.ext.mongo.BulkOperation.createInsert(new JsonObject().put("_id", id))).toList();
      Throwable failure = store.client().bulkWriteWithOptions("runs", operations, new io.vertx.ext.mongo.BulkWriteOptions().setOrdered(false))
          .transform(done -> io.vertx.core.Future.succeededFuture(done.cause())).await();
      var refused = dev.taskmesh.infra.MongoErrors.bulkWriteErrors(failure).orElseThrow();
      assertThat(refused).containsOnlyKeys(1);
      assertThat(dev.taskmesh.infra.MongoErrors.duplicateKey(refused.get(1))).isTrue();
      assertThat(store.client().count("runs", new JsonObject()).await()).isEqualTo(3);
    }
  }

  @Test
  void indexedFlagsAreRebuiltWhenAFileIsOpenedAgain() {
    String file = dir.resolve("flags.mv").toString();
    try (TestStore store = TestStore.start(vertx, StoreBackends.h2(file))) {
      seed(store.client());
    }
    try (TestStore store = TestStore.start(vertx, StoreBackends.h2(file))) {
      var unpublished = store.client().findWithOptions("runs", new JsonObject().put("outbox", true),
          new FindOptions().setSort(new JsonObject().put("seq", 1))).await();
      assertThat(unpublished).extracting(d -> d.getString("_id")).containsExactly("r0", "r5", "r11", "r20", "r25", "r30", "r35", "r40", "r45");
      store.client().insert("runs", new JsonObject().put("_id", "late").put("outbox", true).put("seq", 99)).await();
      assertThat(store.client().count("runs", new JsonObject().put("outbox", true)).await()).isEqualTo(10);
    }
  }
}
