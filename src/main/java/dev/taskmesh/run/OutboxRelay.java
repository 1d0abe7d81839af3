package dev.taskmesh.run;

import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.observability.Traceparent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes accepted runs to {@code pending-tasks} and then clears their outbox marker. The API
 * calls {@link #publish} right after the insert (the fast path); {@link #sweep} republishes whatever
 * a crash or a broker outage left behind. A run may be published twice (crash after the send,
 * before the marker is cleared); everything downstream is idempotent by run id and attempt.
 * Markers of runs acknowledged together are cleared in one bulk write, {@value #MARK_DELAY_MS} ms
 * after the first acknowledgement: by then a worker has usually reported on most of them, and its
 * event already cleared the marker (any worker event proves the run was published), so the write
 * changes only the runs still waiting, which move to PENDING. A run whose worker event the store
 * has already written ({@link #reported}, from the status notices) leaves the waiting batch at
 * once, so the delayed write covers only runs still unreported. A sweep's batch (a backlog no worker
 * has seen) is marked as soon as its sends are settled. One relay per verticle instance:
 * it is used from that verticle's context only; {@link #flush} writes what waits (on stop).
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int SWEEP_BATCH = 500;
  /** Batches one sweep may chain (50,000 runs): the next sweep, an interval later, goes on. */
  private static final int MAX_BATCHES_PER_SWEEP = 100;
  /** Well under the sweep's age threshold (outboxSweepMs), so a marked run is never swept again. */
  static final long MARK_DELAY_MS = 250;

  /** Sends one command; completes when the broker acknowledged it. */
  @FunctionalInterface
  public interface Sender {
    Future<Void> send(String topic, String key, JsonObject value, String traceparent);
  }

  /** A published run waiting for its marker write, and whoever waits for that write. */
  private record Waiting(Run run, List<Promise<Void>> marked) {}

  private record Attempt(String runId, int attempt) {}

  private final RunRepository runs;
  private final Sender publisher;
  private final String topic;
  private final int sweepBatch;
  private final long markDelayMs;
  private Map<Attempt, Waiting> toMark = new LinkedHashMap<>();
  private long markTimer = -1;
  private Vertx vertx;

  public OutboxRelay(RunRepository runs, KafkaPublisher publisher, String topic) {
    this(runs, publisher::send, topic);
  }

  public OutboxRelay(RunRepository runs, Sender publisher, String topic) {
    this(runs, publisher, topic, SWEEP_BATCH, MARK_DELAY_MS);
  }

  OutboxRelay(RunRepository runs, Sender publisher, String topic, int sweepBatch, long markDelayMs) {
    this.runs = runs;
    this.publisher = publisher;
    this.topic = topic;
    this.sweepBatch = sweepBatch;
    this.markDelayMs = markDelayMs;
  }

  public Future<Void> publish(Run run) {
    return send(run).compose(v -> markPublished(run));
  }

  private Future<Void> send(Run run) {
    String traceparent = run.traceId() == null ? null : Traceparent.childOf(run.traceId()).header();
    return publisher.send(topic, run.id(), RunCommand.of(run).toJson(), traceparent)
        .onSuccess(v -> PipelineTelemetry.published(run.id(), run.traceId()));
  }

  private Future<Void> markPublished(Run run) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return runs.markPublished(run);
    }
    Promise<Void> done = Promise.promise();
    Attempt key = new Attempt(run.id(), run.attempt());
    Waiting waiting = toMark.get(key);
    if (waiting != null) {
      waiting.marked().add(done); // published twice (the sweep met the fast path): one marker write
      return done.future();
    }
    toMark.put(key, new Waiting(run, new ArrayList<>(List.of(done))));
    if (markTimer == -1) {
      vertx = context.owner();
      markTimer = vertx.setTimer(markDelayMs, id -> {
        markTimer = -1;
        flushMarks();
      });
    }
    return done.future();
  }

  /**
   * A status change of a run was written (a notice on {@code runs.status}). A worker's event (or a
   * cancel) of the attempt this relay published cleared the run's marker in that same write, so
   * the run leaves the waiting batch and its marker write counts as done. QUEUED notices (the API's
   * own, at launch and retry) and other attempts change nothing: their runs keep their marker write.
   */
  public void reported(JsonObject statusChange) {
    if (toMark.isEmpty()) {
      return; // most notices, when markers are written soon after publishing
    }
    // Called before the live streams get the same notice: nothing here may throw, whatever the notice holds.
    if (!(statusChange.getValue("runId") instanceof String runId) || !(statusChange.getValue("attempt") instanceof Number attempt)
        || !(statusChange.getValue("status") instanceof String status) || !clearsMarker(status)) {
      return;
    }
    Waiting waiting = toMark.remove(new Attempt(runId, attempt.intValue()));
    if (waiting != null) {
      waiting.marked().forEach(Promise::tryComplete);
    }
  }

  /** A worker's status or a cancel; not the API's own QUEUED or PENDING, nor one this version does not know. */
  private static boolean clearsMarker(String status) {
    try {
      RunStatus known = RunStatus.valueOf(status);
      return known != RunStatus.QUEUED && known != RunStatus.PENDING;
    } catch (IllegalArgumentException unknown) {
      return false;
    }
  }

  /** Clears the markers waiting for their delayed write now; completes when that write is done. */
  public Future<Void> flush() {
    if (markTimer != -1) {
      vertx.cancelTimer(markTimer);
      markTimer = -1;
    }
    return flushMarks();
  }

  private Future<Void> flushMarks() {
    if (toMark.isEmpty()) {
      return Future.succeededFuture();
    }
    Collection<Waiting> batch = toMark.values();
    toMark = new LinkedHashMap<>();
    return runs.markPublished(batch.stream().map(Waiting::run).toList())
        .onComplete(result -> batch.forEach(waiting -> waiting.marked().forEach(p -> p.handle(result))));
  }

  /**
   * Publishes runs accepted before {@code acceptedBefore} and still unpublished, a batch at a time
   * until a batch comes back short; returns how many. After a broker outage the backlog is every run
   * accepted meanwhile: one batch per sweep interval would take minutes to drain it. A batch that
   * fails ends the sweep (the broker is still away); the next sweep starts over.
   */
  public Future<Integer> sweep(Instant acceptedBefore) {
    return sweepFrom(acceptedBefore, 0, MAX_BATCHES_PER_SWEEP).onSuccess(total -> {
      if (total > 0) {
        LOG.info("Outbox relay republished {} run(s) accepted but not published", total);
      }
    });
  }

  private Future<Integer> sweepFrom(Instant acceptedBefore, int publishedSoFar, int batchesLeft) {
    return runs.findUnpublished(acceptedBefore, sweepBatch).compose(this::publishAll).compose(published -> published < sweepBatch || batchesLeft <= 1
        ? Future.succeededFuture(publishedSoFar + published)
        : sweepFrom(acceptedBefore, publishedSoFar + published, batchesLeft - 1));
  }

  private Future<Integer> publishAll(List<Run> backlog) {
    if (backlog.isEmpty()) {
      return Future.succeededFuture(0);
    }
    LOG.debug("Outbox relay republishing {} unpublished run(s)", backlog.size());
    List<Future<Void>> sent = new ArrayList<>(backlog.size());
    List<Future<Void>> marked = new ArrayList<>(backlog.size());
    for (Run run : backlog) {
      Future<Void> send = send(run);
      sent.add(send);
      marked.add(send.compose(v -> markPublished(run)));
    }
    // The next batch's query must not find these again, and no worker reports on most of a backlog
    // within the delay: its markers are written once its sends are settled, not MARK_DELAY_MS later.
    Future.join(sent).onComplete(settled -> flush());
    return Future.all(marked).map(done -> backlog.size());
  }
}
