package dev.taskmesh.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.support.PipelineFixture;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stuck-run rule in a running pipeline: runs whose message was lost on the way are found by
 * the updater's sweep, re-published and finished by a worker, once; a healthy run is left alone.
 * A lost message is staged as the store sees it after the loss: the run is stored as published,
 * and no record of it is ever sent.
 */
@Timeout(120)
class StuckRunIT {

  private static final long STUCK_AFTER_MS = 2_000;
  private static final int MAX_RECOVERIES = 2;
  private static PipelineFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = PipelineFixture.start(Map.of("STUCK_AFTER_MS", Long.toString(STUCK_AFTER_MS), "STUCK_SWEEP_MS", "250",
        "MAX_RECOVERIES", Integer.toString(MAX_RECOVERIES)));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void runsWhoseMessagesWereLostAreRecoveredOnceAndAHealthyRunIsLeftAlone() throws Exception {
    Instant longAgo = Instant.now().minusSeconds(60);
    JsonObject input = new JsonObject().put("millis", 10);
    // The command was lost: published as far as the store knows, but no worker ever got it.
    Run lostCommand = Run.queued(TimeOrderedIds.next(), "stuck", "sleep", input, 3, "it", null, longAgo).withoutOutbox();
    // The outcome was lost: a worker started attempt 1, and its result never reached the store.
    Run lostOutcome = new Run(TimeOrderedIds.next(), "stuck", "sleep", RunStatus.RUNNING, 1, 3, input, null, null, "it", longAgo,
        longAgo.plusMillis(5), null, null, false);
    fixture.mongo().insert("runs", lostCommand.toDocument()).await();
    fixture.mongo().insert("runs", lostOutcome.toDocument()).await();
    Run healthy = fixture.launch("healthy", "sleep", input);

    for (Run run : new Run[] {lostCommand, lostOutcome}) {
      JsonObject finished = fixture.awaitFinal(run.id(), 30_000);
      assertThat(finished.getString("status")).as("run %s", run.id()).isEqualTo("COMPLETED");
      assertThat(finished.getInteger("recoveries")).as("recoveries of %s", run.id()).isEqualTo(1);
      assertThat(finished.getInteger("attempt")).isEqualTo(1);
      assertThat(fixture.ledger().executions(run.id())).as("executions of %s", run.id()).isEqualTo(1);
    }
    JsonObject healthyRun = fixture.awaitFinal(healthy.id(), 30_000);
    Thread.sleep(STUCK_AFTER_MS + 1_000); // long enough for a sweep to have picked it up, were it taken for stuck
    assertThat(healthyRun.getString("status")).isEqualTo("COMPLETED");
    assertThat(fixture.document(healthy.id()).getInteger("recoveries")).isZero();
    assertThat(fixture.ledger().executions(healthy.id())).isEqualTo(1);
    // A run once recovered is not recovered again: it is terminal now.
    assertThat(fixture.document(lostCommand.id()).getInteger("recoveries")).isEqualTo(1);
  }

  @Test
  void aRunThatNeverProgressesIsDeclaredDeadAfterItsRecoveriesWithOneDeadLetter() throws Exception {
    // Its handler outlives the test: each re-publication finds it still running, and its document never changes.
    Run neverEnds = fixture.launch("never-ends", "sleep", new JsonObject().put("millis", 300_000));

    JsonObject dead = fixture.awaitFinal(neverEnds.id(), 60_000);
    assertThat(dead.getString("status")).isEqualTo("DEAD");
    assertThat(dead.getInteger("recoveries")).as("re-published before giving up").isEqualTo(MAX_RECOVERIES);
    assertThat(dead.getString("error")).contains("after " + MAX_RECOVERIES + " re-publication(s)");

    String letterId = "run:" + neverEnds.id() + ":" + dead.getInteger("attempt");
    JsonObject letter = null;
    for (long deadline = System.currentTimeMillis() + 30_000; letter == null && System.currentTimeMillis() < deadline; Thread.sleep(100)) {
      letter = fixture.mongo().findOne("dead_letters", new JsonObject().put("_id", letterId), null).await();
    }
    assertThat(letter).as("dead letter %s", letterId).isNotNull();
    assertThat(letter.getString("runId")).isEqualTo(neverEnds.id());
    assertThat(letter.getString("reason")).contains("no progress");
    assertThat(fixture.mongo().count("dead_letters", new JsonObject().put("runId", neverEnds.id())).await()).isEqualTo(1L);
  }
}
