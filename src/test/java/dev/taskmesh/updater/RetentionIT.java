package dev.taskmesh.updater;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.observability.Metrics;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.support.Awaits;
import dev.taskmesh.support.PipelineFixture;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retention policy in a running system on the embedded default's H2 store: a finished run is
 * deleted by the updater's sweep once its period is over, and counted; a DEAD run waiting for a
 * replay is not.
 */
@Timeout(120)
class RetentionIT {

  private static final int RETENTION_SECONDS = 2;
  private static PipelineFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = PipelineFixture.start(Map.of("MONGO_EMBEDDED_BACKEND", "h2",
        "RUN_RETENTION_SECONDS", Integer.toString(RETENTION_SECONDS), "RETENTION_SWEEP_MS", "1000"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static double deletedRuns() {
    Counter counter = Metrics.registry().find(Metrics.RETENTION_DELETED).tag("kind", "runs").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aFinishedRunIsDeletedOnceItsRetentionIsOverAndADeadRunStays() throws Exception {
    double deletedBefore = deletedRuns();
    Instant longAgo = Instant.now().minusSeconds(60);
    Run dead = new Run(TimeOrderedIds.next(), "retention", "sleep", RunStatus.DEAD, 3, 3, new JsonObject(), null, "out of attempts", "it",
        longAgo, longAgo, longAgo, null, false);
    fixture.mongo().insert("runs", dead.withoutOutbox().toDocument()).await();
    Run run = fixture.launch("retention", "sleep", new JsonObject().put("millis", 1));

    JsonObject finished = fixture.awaitFinal(run.id(), 30_000);
    assertThat(finished.getString("status")).isEqualTo("COMPLETED");
    Instant completedAt = Instant.now();
    Awaits.until(() -> fixture.runs().findDocument(run.id()).await().isEmpty() ? true : null, 15_000, "run " + run.id() + " deleted");
    assertThat(Instant.now()).as("not deleted before its retention was over").isAfter(completedAt.plusSeconds(RETENTION_SECONDS - 1));
    // The sweep counts a batch once the store acknowledged its delete, a moment after the run is gone.
    Awaits.until(() -> deletedRuns() - deletedBefore >= 1 ? true : null, 5_000, "the deletion counted");
    assertThat(fixture.document(dead.id()).getString("status")).as("a DEAD run waits for its replay").isEqualTo("DEAD");
  }
}
