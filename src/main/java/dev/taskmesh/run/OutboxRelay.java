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
import java.util.List;
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
 * changes only the runs still waiting, which move to PENDING. One relay per verticle instance: it
 * is used from that verticle's context only; {@link #flush} writes what waits (on stop).
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int SWEEP_BATCH = 500;
  /** Well under the sweep's age threshold (outboxSweepMs), so a marked run is never swept again. */
  static final long MARK_DELAY_MS = 250;

  /** Sends one command; completes when the broker acknowledged it. */
  @FunctionalInterface
  public interface Sender {
    Future<Void> send(String topic, String key, JsonObject value, String traceparent);
  }

  private final RunRepository runs;
  private final Sender publisher;
  private final String topic;
  private List<Run> toMark = new ArrayList<>();
  private List<Promise<Void>> marked = new ArrayList<>();
  private long markTimer = -1;
  private Vertx vertx;

  public OutboxRelay(RunRepository runs, KafkaPublisher publisher, String topic) {
    this(runs, publisher::send, topic);
  }

  public OutboxRelay(RunRepository runs, Sender publisher, String topic) {
    this.runs = runs;
    this.publisher = publisher;
    this.topic = topic;
  }

  public Future<Void> publish(Run run) {
    String traceparent = run.traceId() == null ? null : Traceparent.childOf(run.traceId()).header();
    return publisher.send(topic, run.id(), RunCommand.of(run).toJson(), traceparent)
        .onSuccess(v -> PipelineTelemetry.published(run.id(), run.traceId()))
        .compose(v -> markPublished(run));
  }

  private Future<Void> markPublished(Run run) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return runs.markPublished(run);
    }
    Promise<Void> done = Promise.promise();
    toMark.add(run);
    marked.add(done);
    if (toMark.size() == 1) {
      vertx = context.owner();
      markTimer = vertx.setTimer(MARK_DELAY_MS, id -> {
        markTimer = -1;
        flushMarks();
      });
    }
    return done.future();
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
    List<Run> batch = toMark;
    List<Promise<Void>> promises = marked;
    toMark = new ArrayList<>();
    marked = new ArrayList<>();
    return runs.markPublished(batch).onComplete(result -> promises.forEach(p -> p.handle(result)));
  }

  /** Publishes runs accepted before {@code acceptedBefore} and still unpublished; returns how many. */
  public Future<Integer> sweep(Instant acceptedBefore) {
    return runs.findUnpublished(acceptedBefore, SWEEP_BATCH).compose(this::publishAll);
  }

  private Future<Integer> publishAll(List<Run> backlog) {
    if (backlog.isEmpty()) {
      return Future.succeededFuture(0);
    }
    LOG.info("Outbox relay republishing {} unpublished run(s)", backlog.size());
    return Future.all(backlog.stream().map(this::publish).toList()).map(done -> backlog.size());
  }
}
