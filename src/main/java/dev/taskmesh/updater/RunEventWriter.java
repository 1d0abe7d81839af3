package dev.taskmesh.updater;

import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one run event to the store. The write is guarded by the lifecycle sequence, so a duplicate
 * or late event changes nothing; a store failure fails the future, the bridge redelivers, and no
 * offset is committed past an event whose write was not acknowledged.
 */
public final class RunEventWriter {

  /** Published for every change that moved a run forward (live status streams listen here). */
  public static final String STATUS_ADDRESS = "runs.status";

  private static final Logger LOG = LoggerFactory.getLogger(RunEventWriter.class);

  private final RunRepository runs;
  private final EventBus eventBus;

  public RunEventWriter(RunRepository runs, EventBus eventBus) {
    this.runs = runs;
    this.eventBus = eventBus;
  }

  public Future<Void> write(String message) {
    RunEvent event;
    try {
      event = RunEvent.fromJson(new JsonObject(message));
    } catch (RuntimeException e) {
      // An event nobody can read can never be applied; retrying it would block its partition forever.
      LOG.error("Dropping unreadable run event ({}): {}", e.getMessage(), message);
      return Future.succeededFuture();
    }
    return runs.apply(event).map(changed -> {
      PipelineTelemetry.statusWritten(event.runId(), event.status().name(), event.attempt(), changed);
      if (changed) {
        eventBus.publish(STATUS_ADDRESS, event.toJson());
      }
      return null;
    });
  }
}
