package dev.taskmesh.updater;

import dev.taskmesh.bridge.RecordSender;
import dev.taskmesh.deadletter.DeadLetter;
import dev.taskmesh.observability.Traceparent;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stuck-run rule. A published run that is not terminal and has not changed for
 * {@code stuckAfter} lost its message or its worker in a way redelivery did not repair (a record
 * lost by the broker, a command published by a replay whose send failed, an outcome nobody wrote).
 * Its command is re-published (the attempt it is at, or the next one after FAILED), at most
 * {@code maxRecoveries} times; after that it is declared DEAD with a dead letter, so no run stays
 * non-terminal forever. Re-publishing a run that was only slow is harmless: the worker skips a
 * command whose run is already terminal, and every write is guarded.
 */
public final class StuckRunSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(StuckRunSweeper.class);
  private static final int BATCH = 200;

  private final RunRepository runs;
  private final RecordSender publisher;
  private final String pendingTopic;
  private final String completedTopic;
  private final String deadLetterTopic;
  private final Duration stuckAfter;
  private final int maxRecoveries;

  public StuckRunSweeper(RunRepository runs, RecordSender publisher, String pendingTopic, String completedTopic, String deadLetterTopic,
      Duration stuckAfter, int maxRecoveries) {
    this.runs = runs;
    this.publisher = publisher;
    this.pendingTopic = pendingTopic;
    this.completedTopic = completedTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.stuckAfter = stuckAfter;
    this.maxRecoveries = maxRecoveries;
  }

  /** One sweep; returns how many stuck runs it acted on. */
  public Future<Integer> sweep() {
    Instant now = Instant.now();
    return runs.findStuck(now.minus(stuckAfter), BATCH).compose(stuck -> {
      Future<Integer> acted = Future.succeededFuture(0);
      for (JsonObject doc : stuck) {
        acted = acted.compose(n -> recover(doc, now).map(done -> done ? n + 1 : n));
      }
      return acted;
    });
  }

  private Future<Boolean> recover(JsonObject doc, Instant now) {
    Run run = Run.fromDocument(doc);
    String traceparent = run.traceId() == null ? null : Traceparent.childOf(run.traceId()).header();
    int recoveries = doc.getInteger("recoveries", 0);
    if (recoveries >= maxRecoveries) {
      return declareDead(run, "no progress for " + stuckAfter.toSeconds() + " s after " + recoveries + " re-publication(s) (status "
          + run.status() + ")", traceparent);
    }
    RunCommand command = run.status() == RunStatus.FAILED
        ? RunCommand.of(run).nextAttempt(0)
        : RunCommand.of(run);
    if (command.attempt() > run.maxAttempts()) {
      // A FAILED last attempt has no next one to re-publish; left alone it would stay FAILED forever.
      return declareDead(run, "attempt " + run.attempt() + " of " + run.maxAttempts() + " failed and no progress followed for "
          + stuckAfter.toSeconds() + " s", traceparent);
    }
    return runs.recordRecovery(doc, now).compose(mine -> {
      if (!mine) {
        return Future.succeededFuture(false); // it moved meanwhile, or another sweeper took it
      }
      LOG.warn("Run {} has had no change since {} (status {}); re-publishing attempt {} (recovery {} of {})",
          run.id(), doc.getValue("updatedAt"), run.status(), command.attempt(), recoveries + 1, maxRecoveries);
      return publisher.send(pendingTopic, run.id(), command.toJson(), traceparent).map(true);
    });
  }

  /** A dead letter, then the DEAD outcome the updater writes (guarded, like every outcome). */
  private Future<Boolean> declareDead(Run run, String reason, String traceparent) {
    LOG.warn("Run {} is stuck: {}; declaring it DEAD", run.id(), reason);
    DeadLetter letter = DeadLetter.forRun(run.id(), run.attempt(), run.type(), reason, RunCommand.of(run).toJson().encode(),
        new DeadLetter.Source(null, null, null));
    RunEvent dead = RunEvent.of(run.id(), run.attempt(), RunStatus.DEAD, run.startedAt(), null, reason);
    return publisher.send(deadLetterTopic, run.id(), letter.toJson(), traceparent)
        .compose(v -> publisher.send(completedTopic, run.id(), dead.toJson(), traceparent))
        .map(true);
  }

}
