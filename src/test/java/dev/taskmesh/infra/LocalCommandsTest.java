package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import dev.taskmesh.infra.store.InsertAdmission;
import dev.taskmesh.infra.store.LocalStore;
import dev.taskmesh.infra.store.StoreBackends;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.FindOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same bulk writes and reads over the wire and in process ({@link LocalCommands}), each against a store of its
 * own with the same backend: the same counts, the same refused items at the same indexes with the
 * same codes, and the same documents stored.
 */
class LocalCommandsTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** What one path answered to each write, and what it stored. */
  private record Outcome(List<String> answers, List<JsonObject> stored) {}

  private static Outcome writeAll(boolean inProcess, Function<InsertAdmission, de.bwaldvogel.mongo.MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.apply(InsertAdmission.always()))) {
      LocalStore local = inProcess ? LocalStore.open(store.uri(), store.backend()) : null;
      BsonBulk bulk = BsonBulk.open(vertx, store.uri(), "t", 5_000, 5_000);
      try {
        List<String> answers = new ArrayList<>();
        Instant at = Instant.parse("2026-12-07T10:00:00.123Z");
        answers.add(answer(bulk.write("runs", List.of(insert("a", 1, at), insert("b", 2, at), insert("a", 3, at), insert("c", 4, at)), false)));
        answers.add(answer(bulk.write("runs", List.of(insert("d", 5, at), insert("b", 6, at), insert("e", 7, at)), true)));
        answers.add(answer(bulk.write("runs", List.of(
            BulkOperation.createUpdate(new JsonObject().put("n", new JsonObject().put("$lt", 3)), set("status", "DONE")).setMulti(true),
            BulkOperation.createUpdate(new JsonObject().put("_id", "c").put("status", "NEW"), set("status", "DONE")),
            BulkOperation.createUpdate(new JsonObject().put("_id", "c").put("status", "NEW"), set("status", "AGAIN")),
            BulkOperation.createUpdate(new JsonObject().put("_id", "nobody"), set("status", "DONE"))), false)));
        // Ordered, of three kinds in turn: one command per run of a kind; the duplicate stops the rest.
        answers.add(answer(bulk.write("runs", List.of(
            BulkOperation.createUpdate(new JsonObject().put("_id", "d"), set("tags", new JsonArray().add("x").add(2.5).addNull())),
            insert("f", 8, at),
            BulkOperation.createDelete(new JsonObject().put("_id", "f")),
            insert("a", 9, at),
            BulkOperation.createDelete(new JsonObject()).setMulti(true)), true)));
        answers.add(answer(bulk.write("runs", List.of(BulkOperation.createDelete(new JsonObject().put("status", "DONE")).setMulti(true)), false)));
        // Dates given as instants, numbers of other types: stored as the driver's path stores them.
        answers.add(answer(bulk.write("runs", List.of(BulkOperation.createInsert(new JsonObject().put("_id", "g")
            .put("when", Instant.parse("2026-12-07T10:00:00.123456Z")).put("millis", new JsonObject().put("$date", 1_765_101_600_000L))
            .put("small", (short) 3).put("f", 1.5f).put("map", java.util.Map.of("k", List.of(1, "v"))))), false)));
        answers.add(answer(bulk.write("runs", List.of(BulkOperation.createReplace(new JsonObject().put("_id", "g"), new JsonObject())), false)));
        List<JsonObject> stored = store.client().findWithOptions("runs", new JsonObject(), new FindOptions().setSort(new JsonObject().put("_id", 1))).await();
        return new Outcome(answers, stored);
      } finally {
        bulk.close().await();
        if (local != null) {
          local.close();
        }
      }
    }
  }

  @Test
  void inProcessWritesAnswerAndStoreAsWritesOverTheWireDo() {
    Outcome wire = writeAll(false, StoreBackends::memory);
    Outcome local = writeAll(true, StoreBackends::memory);
    assertThat(local).isEqualTo(wire);
    // mongo-java-server counts every document of an insert command as inserted, the refused ones too.
    assertThat(wire.answers().get(0)).isEqualTo("inserted 4 matched 0 modified 0 deleted 0; refused [2:11000]");
    assertThat(wire.answers().get(1)).as("ordered: stops at the duplicate").isEqualTo("inserted 3 matched 0 modified 0 deleted 0; refused [1:11000]");
    assertThat(wire.answers().get(2)).isEqualTo("inserted 0 matched 3 modified 3 deleted 0");
    assertThat(wire.answers().get(3)).as("ordered, three kinds: the last delete never ran")
        .isEqualTo("inserted 2 matched 1 modified 1 deleted 1; refused [3:11000]");
    assertThat(wire.answers().get(5)).isEqualTo("inserted 1 matched 0 modified 0 deleted 0");
    assertThat(wire.answers().get(6)).startsWith("failed: java.lang.IllegalArgumentException: bulk writes here take inserts, updates and deletes");
    assertThat(wire.stored()).extracting(doc -> doc.getString("_id")).as("e never inserted; a, b, c deleted as DONE").containsExactly("d", "g");
    assertThat(wire.stored().get(0).getJsonArray("tags")).isEqualTo(new JsonArray().add("x").add(2.5).addNull());
    assertThat(wire.stored().get(0).getValue("at")).as("dates stay dates").isEqualTo(new JsonObject().put("$date", "2026-12-07T10:00:00.123Z"));
  }

  @Test
  void theH2BackendAnswersAlikeInProcess(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Outcome wire = writeAll(false, admission -> StoreBackends.h2(dir.resolve("wire.mv").toString(), StoreBackends.H2Tuning.DEFAULTS, admission));
    Outcome local = writeAll(true, admission -> StoreBackends.h2(dir.resolve("local.mv").toString(), StoreBackends.H2Tuning.DEFAULTS, admission));
    assertThat(local).isEqualTo(wire);
  }

  /** Reads by id in process give the JSON vertx-mongo-client gives: dates, longs, nested documents, arrays, nulls, projections. */
  @Test
  void inProcessReadsByIdAnswerAsVertxMongoClientDoes() {
    try (TestStore store = TestStore.start(vertx)) {
      for (int i = 0; i < 4; i++) {
        Instant at = Instant.parse("2026-12-07T10:00:00Z").plusMillis(new long[] {0, 120, 123, 1}[i]);
        store.client().insert("runs", new JsonObject().put("_id", "r" + i).put("n", i).put("big", 9_000_000_000L + i).put("ok", i % 2 == 0)
            .put("at", new JsonObject().put("$date", at.toString())).put("none", (Object) null).put("d", 1.5 * i)
            .put("nested", new JsonObject().put("list", new JsonArray().add(i).add("x").add(new JsonObject().put("y", at.toString())))))
            .await();
      }
      ReadsById.Finder wire = ReadsById.Finder.of(vertx, store.uri(), "t", store.client());
      try (LocalStore local = LocalStore.open(store.uri(), store.backend())) {
        ReadsById.Finder inProcess = ReadsById.Finder.of(vertx, store.uri(), "t", store.client());
        JsonObject ids = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r3").add("r0").add("nobody").add("r1").add("r2")));
        for (JsonObject fields : java.util.Arrays.asList(null, new JsonObject().put("at", 1).put("ok", 1))) {
          List<JsonObject> expected = wire.find("runs", ids, fields).await();
          assertThat(inProcess.find("runs", ids, fields).await()).isEqualTo(expected);
          assertThat(expected).hasSize(4);
        }
        assertThat(inProcess.find("runs", new JsonObject().put("_id", "r1"), null).await().get(0).getValue("at"))
            .isEqualTo(new JsonObject().put("$date", "2026-12-07T10:00:00.12Z"));
      }
    }
  }

  @Test
  void datesAreWrittenAsVertxMongoClientWritesThem() {
    assertThat(LocalCommands.vertxDate(Instant.parse("2026-12-07T10:00:00Z"))).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(LocalCommands.vertxDate(Instant.parse("2026-12-07T10:00:00.100Z"))).isEqualTo("2026-12-07T10:00:00.1Z");
    assertThat(LocalCommands.vertxDate(Instant.parse("2026-12-07T10:00:00.001Z"))).isEqualTo("2026-12-07T10:00:00.001Z");
    assertThat(LocalCommands.vertxDate(Instant.parse("2026-12-07T10:00:00.000500Z"))).isEqualTo(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME
        .format(Instant.parse("2026-12-07T10:00:00.000500Z").atOffset(java.time.ZoneOffset.UTC)));
  }

  @Test
  void aStoreOnlyReachedOverTheWireStaysSo() {
    try (TestStore store = TestStore.start(vertx)) {
      assertThat(LocalStore.at(store.uri())).isEmpty();
      LocalStore local = LocalStore.open(store.uri(), store.backend());
      assertThat(LocalStore.at(store.uri())).containsSame(local);
      local.close();
      assertThat(LocalStore.at(store.uri())).isEmpty();
    }
  }

  private static String answer(Future<BulkWriteResult> write) {
    return write.transform(done -> {
      BulkWriteResult result = done.succeeded() ? done.result() : null;
      String refused = "";
      if (done.failed()) {
        if (!(done.cause() instanceof MongoBulkWriteException bulk)) {
          return Future.succeededFuture("failed: " + done.cause());
        }
        result = bulk.getWriteResult();
        List<String> errors = new ArrayList<>();
        for (BulkWriteError error : bulk.getWriteErrors()) {
          errors.add(error.getIndex() + ":" + error.getCode());
        }
        refused = "; refused " + errors;
      }
      return Future.succeededFuture(String.format("inserted %d matched %d modified %d deleted %d%s", result.getInsertedCount(),
          result.getMatchedCount(), result.getModifiedCount(), result.getDeletedCount(), refused));
    }).await();
  }

  private static BulkOperation insert(String id, int n, Instant at) {
    return BulkOperation.createInsert(new JsonObject().put("_id", id).put("n", n).put("big", 9_000_000_000L).put("ok", true)
        .put("status", "NEW").put("at", new JsonObject().put("$date", at.toString())).put("nested", new JsonObject().put("x", 1.5)));
  }

  private static JsonObject set(String field, Object value) {
    return new JsonObject().put("$set", new JsonObject().put(field, value));
  }
}
