package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.BsonBulk;
import dev.taskmesh.infra.MongoErrors;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's admission of inserts: a refused insert reaches both store clients as an
 * error the API recognises, with the reason; other collections and other commands go on.
 */
class InsertAdmissionTest {

  private static final String REASON = "The embedded store's process is short of memory: 93% of its heap";
  private static Vertx vertx;

  @TempDir Path dir;

  private final AtomicBoolean refusing = new AtomicBoolean();
  private final InsertAdmission runsWhileRoom = collection -> "runs".equals(collection) && refusing.get() ? Optional.of(REASON) : Optional.empty();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @Test
  void theMemoryBackendRefusesNewRunsOnlyWhileTheAdmissionSaysSo() {
    refusesNewRunsAndTakesTheRest(admission -> StoreBackends.memory(admission));
  }

  @Test
  void theH2BackendRefusesNewRunsOnlyWhileTheAdmissionSaysSo() {
    refusesNewRunsAndTakesTheRest(admission -> StoreBackends.h2(dir.resolve("admission.mv").toString(), StoreBackends.H2Tuning.DEFAULTS, admission));
  }

  private void refusesNewRunsAndTakesTheRest(Function<InsertAdmission, de.bwaldvogel.mongo.MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.apply(runsWhileRoom))) {
      store.client().insert("runs", new JsonObject().put("_id", "before").put("status", "PENDING")).await();
      refusing.set(true);

      Throwable single = failureOf(store.client().insert("runs", new JsonObject().put("_id", "single")));
      assertThat(MongoErrors.shortOfMemory(single)).as(String.valueOf(single)).hasValueSatisfying(reason -> assertThat(reason).contains(REASON));
      assertThat(MongoErrors.storeUnavailable(single)).isFalse();

      String uri = "mongodb://127.0.0.1:" + store.server().getLocalAddress().getPort();
      BsonBulk bulk = BsonBulk.open(vertx, uri, "t", 5_000, 5_000);
      try {
        Throwable batch = failureOf(bulk.write("runs", List.of(BulkOperation.createInsert(new JsonObject().put("_id", "bulk"))), false));
        assertThat(MongoErrors.shortOfMemory(batch)).as(String.valueOf(batch)).hasValueSatisfying(reason -> assertThat(reason).contains(REASON));
      } finally {
        bulk.close().await();
      }
      try (LocalStore local = LocalStore.open(uri, store.backend())) {
        BsonBulk inProcess = BsonBulk.open(vertx, uri, "t", 5_000, 5_000);
        Throwable batch = failureOf(inProcess.write("runs", List.of(BulkOperation.createInsert(new JsonObject().put("_id", "local"))), false));
        assertThat(MongoErrors.shortOfMemory(batch)).as("in process: %s", batch).hasValueSatisfying(reason -> assertThat(reason).contains(REASON));
      }

      store.client().insert("tasks", new JsonObject().put("_id", "a task")).await();
      store.client().updateCollection("runs", new JsonObject().put("_id", "before"), new JsonObject().put("$set", new JsonObject().put("status", "COMPLETED"))).await();
      assertThat(store.client().findOne("runs", new JsonObject().put("_id", "before"), null).await().getString("status")).isEqualTo("COMPLETED");
      assertThat(store.client().count("runs", new JsonObject()).await()).as("nothing refused was stored").isEqualTo(1);

      refusing.set(false);
      store.client().insert("runs", new JsonObject().put("_id", "after")).await();
      assertThat(store.client().count("runs", new JsonObject()).await()).isEqualTo(2);
    }
  }

  private static Throwable failureOf(Future<?> future) {
    return future.transform(done -> Future.succeededFuture(done.cause())).await();
  }
}
