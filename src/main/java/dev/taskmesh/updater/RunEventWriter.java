package dev.taskmesh.updater;

import dev.taskmesh.infra.ReadOnlyJsonCodec;
import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes run events to the store in batches: events arriving within {@code batchDelayMs} (or up to
 * {@code batchSize} of them) become one unordered bulk write, each update with its own guard, so a
 * duplicate or late event changes nothing. Within a batch only the furthest event of each run is
 * written (the others are implied by it). Each submitter's future completes only when the bulk
 * write is acknowledged, so the bridge never commits an event the store has not seen; a failed
 * bulk write fails every event of it and the bridge redelivers them with backoff.
 */
public final class RunEventWriter {

  /** Published for every change that moved a run forward (live status streams listen here). */
  public static final String STATUS_ADDRESS = "runs.status";

  private static final Logger LOG = LoggerFactory.getLogger(RunEventWriter.class);
  private static final int ANNOUNCED_MEMORY = 10_000;

  private final Vertx vertx;
  private final RunRepository runs;
  private final EventBus eventBus;
  private final int batchSize;
  private final long batchDelayMs;
  private List<Pending> batch = new ArrayList<>();
  private boolean flushScheduled;
  private int writing;
  // A redelivered event finds the store already at its state, and the store cannot say which write
  // of a bulk changed it: without this memory, every redelivery of a terminal event announced it
  // again. Per writer (updater instance): after a rebalance, another instance may announce once more.
  private final Map<String, Boolean> announced = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > ANNOUNCED_MEMORY;
    }
  };

  private record Pending(RunEvent event, Promise<Void> written) {}

  public RunEventWriter(Vertx vertx, RunRepository runs, int batchSize, long batchDelayMs) {
    this.vertx = vertx;
    this.runs = runs;
    this.eventBus = vertx.eventBus();
    ReadOnlyJsonCodec.register(eventBus);
    this.batchSize = batchSize;
    this.batchDelayMs = batchDelayMs;
  }

  /** Completes when the store acknowledged the batch holding this event. Call on the owning context. */
  public Future<Void> write(RunEvent event) {
    Promise<Void> written = Promise.promise();
    batch.add(new Pending(event, written));
    if (batch.size() >= batchSize) {
      flush();
    } else if (!flushScheduled) {
      flushScheduled = true;
      if (batchDelayMs == 0) {
        vertx.runOnContext(v -> flush());
      } else {
        vertx.setTimer(batchDelayMs, id -> flush());
      }
    }
    return written.future();
  }

  /** Writes what is collected now; completes when every write in progress is done. */
  public Future<Void> drain() {
    flush();
    if (writing == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setTimer(10, id -> drain().onComplete(done));
    return done.future();
  }

  private void flush() {
    flushScheduled = false;
    if (batch.isEmpty()) {
      return;
    }
    List<Pending> taken = batch;
    batch = new ArrayList<>();
    Map<String, RunEvent> furthest = new LinkedHashMap<>();
    for (Pending pending : taken) {
      furthest.merge(pending.event().runId(), pending.event(), (a, b) ->
          b.status().sequence(b.attempt()) > a.status().sequence(a.attempt()) ? b : a);
    }
    List<RunEvent> events = new ArrayList<>(furthest.values());
    writing++;
    runs.applyAll(events)
        .compose(modified -> modified == events.size()
            ? Future.succeededFuture(events)
            : applied(events))
        .onComplete(done -> {
          writing--;
          if (done.succeeded()) {
            // The writes are durable: acknowledge first, so nothing below can hold back the commits.
            taken.forEach(p -> p.written().complete());
            java.util.Set<RunEvent> changed = new java.util.HashSet<>(done.result());
            events.forEach(e -> PipelineTelemetry.statusWritten(e.runId(), e.status().name(), e.attempt(), changed.contains(e)));
            done.result().forEach(this::announceOnce);
          } else {
            LOG.warn("Store write of {} run event(s) failed; they will be redelivered: {}", events.size(), done.cause().getMessage());
            taken.forEach(p -> p.written().fail(done.cause()));
          }
        });
  }

  /** Some updates were no-ops (duplicates, late events): find which ones the store now reflects. */
  private Future<List<RunEvent>> applied(List<RunEvent> events) {
    return runs.sequences(events.stream().map(RunEvent::runId).toList()).map(stored -> {
      List<RunEvent> changed = new ArrayList<>();
      for (RunEvent event : events) {
        Long seq = stored.get(event.runId());
        if (seq != null && seq == event.status().sequence(event.attempt())) {
          changed.add(event);
        }
      }
      return changed;
    }).recover(e -> Future.succeededFuture(List.of())); // the writes are durable; only the notifications are lost
  }

  private void announceOnce(RunEvent event) {
    if (announced.put(event.runId() + "@" + event.status().sequence(event.attempt()), Boolean.TRUE) == null) {
      announce(event);
    }
  }

  /**
   * Notifies live streams; a failure here never affects the write. Vert.x 5.0.7's clustered event
   * bus can throw from publish towards a member that just died ("Promise already completed", the
   * bug class of eclipse-vertx/vert.x#4922): one failed notification must not stop the others.
   */
  private void announce(RunEvent event) {
    try {
      eventBus.publish(STATUS_ADDRESS, statusChange(event), ReadOnlyJsonCodec.DELIVERY);
    } catch (RuntimeException e) {
      LOG.debug("Status notification of run {} not published: {}", event.runId(), e.toString());
    }
  }

  static JsonObject statusChange(RunEvent event) {
    return event.toJson().put("seq", event.status().sequence(event.attempt())).put("terminal", event.status().terminal());
  }

}
