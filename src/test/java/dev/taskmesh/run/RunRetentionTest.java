package dev.taskmesh.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoBackend;
import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.infra.store.StoreBackends;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention policy against the embedded store's two backends: what goes, what stays. */
class RunRetentionTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final Duration WEEK = Duration.ofDays(7);
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

  /** A time-ordered id of {@code made}'s millisecond, the n-th of that millisecond. */
  private static String idAt(Instant made, int n) {
    long mostSignificant = UUID.fromString(TimeOrderedIds.floor(made)).getMostSignificantBits() | n;
    return new UUID(mostSignificant, 0x8000_0000_0000_0000L | n).toString();
  }

  private static JsonObject run(String id, RunStatus status, Instant updatedAt) {
    return new JsonObject().put("_id", id).put("taskId", "task-1").put("status", status.name()).put("final", status.terminal())
        .put("updatedAt", MongoDates.toDocument(updatedAt));
  }

  private static List<String> ids(MongoClient mongo, String collection) {
    return mongo.find(collection, new JsonObject()).await().stream().map(doc -> doc.getString("_id")).sorted().toList();
  }

  private void deletesWhatThePolicyNoLongerKeeps(Supplier<MongoBackend> backend) {
    try (TestStore store = TestStore.start(vertx, backend.get())) {
      MongoClient mongo = store.client();
      Instant tenDaysAgo = NOW.minus(Duration.ofDays(10));
      // More expired runs than one batch holds, so the sweep has to go round.
      int expired = RunRetention.BATCH * 2 + 500;
      for (int i = 0; i < expired; i++) {
        mongo.insert(RunRepository.COLLECTION, run(idAt(tenDaysAgo, i), RunStatus.COMPLETED, tenDaysAgo.plusSeconds(1))).await();
      }
      List<String> kept = new ArrayList<>();
      String cancelled = idAt(tenDaysAgo.plusSeconds(5), 1);
      mongo.insert(RunRepository.COLLECTION, run(cancelled, RunStatus.CANCELLED, tenDaysAgo.plusSeconds(6))).await();
      for (JsonObject stays : List.of(
          run(idAt(tenDaysAgo.plusSeconds(10), 1), RunStatus.DEAD, tenDaysAgo.plusSeconds(11)),       // waits for a replay
          run(idAt(tenDaysAgo.plusSeconds(20), 1), RunStatus.FAILED, tenDaysAgo.plusSeconds(21)),     // not finished
          run(idAt(tenDaysAgo.plusSeconds(30), 1), RunStatus.COMPLETED, NOW.minus(Duration.ofHours(1))), // finished lately
          run(idAt(NOW.minus(Duration.ofDays(6)), 1), RunStatus.COMPLETED, NOW.minus(Duration.ofDays(6))),
          run(idAt(NOW.minus(Duration.ofMinutes(5)), 1), RunStatus.COMPLETED, NOW.minus(Duration.ofMinutes(4))))) {
        mongo.insert(RunRepository.COLLECTION, stays).await();
        kept.add(stays.getString("_id"));
      }
      mongo.insert(IdempotencyKeys.COLLECTION, new JsonObject().put("_id", "old").put("createdAt", MongoDates.toDocument(NOW.minus(Duration.ofDays(3))))).await();
      mongo.insert(IdempotencyKeys.COLLECTION, new JsonObject().put("_id", "fresh").put("createdAt", MongoDates.toDocument(NOW.minus(Duration.ofDays(1))))).await();

      RunRetention retention = new RunRetention(mongo, WEEK);
      assertThat(retention.sweep(NOW).await()).isEqualTo(new RunRetention.Swept(expired + 1, 1));
      assertThat(ids(mongo, RunRepository.COLLECTION)).containsExactlyElementsOf(kept.stream().sorted().toList());
      assertThat(ids(mongo, IdempotencyKeys.COLLECTION)).containsExactly("fresh");
      assertThat(retention.sweep(NOW).await()).as("a second sweep finds nothing").isEqualTo(new RunRetention.Swept(0, 0));
      assertThat(retention.sweep(NOW.plus(Duration.ofDays(2))).await().runs()).as("two days on, the six-day-old run has expired").isEqualTo(1);
    }
  }

  @Test
  void deletesFinishedRunsOlderThanThePeriodFromTheMemoryBackend() {
    deletesWhatThePolicyNoLongerKeeps(StoreBackends::memory);
  }

  @Test
  void deletesFinishedRunsOlderThanThePeriodFromTheH2Backend() {
    deletesWhatThePolicyNoLongerKeeps(() -> StoreBackends.h2(dir.resolve("retention.mv").toString()));
  }

  @Test
  void aPeriodMustBePositive() {
    assertThatThrownBy(() -> new RunRetention(null, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
