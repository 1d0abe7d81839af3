package dev.taskmesh.run;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Telling workers a run is cancelled. {@link RunService#cancel} first moves the run to CANCELLED in
 * the store (guarded: a run that already reached a terminal state keeps it), then publishes
 * {@link #message} here: a worker executing the run stops it at its next cooperative check and
 * publishes CANCELLED, and a worker that receives the run's command later skips it.
 *
 * <p>The event bus does not cross processes unless Vert.x is clustered, so workers do not depend on
 * the message: before executing a command they read the run's stored state (a CANCELLED run is
 * skipped), and they re-check the stored state of long runs periodically.
 */
public final class RunCancellation {

  /** Event-bus address of cancel requests: {@code {"runId": "...", "attempt": n}} (attempt 0: any). */
  public static final String ADDRESS = "runs.cancel";

  private RunCancellation() {}

  /** The cancel request of one attempt of a run (0: whichever attempt runs). */
  public static JsonObject message(String runId, int attempt) {
    return new JsonObject().put("runId", runId).put("attempt", attempt);
  }

  /** Tells every worker of this process (or cluster) to stop the run, without touching the store. */
  public static void request(Vertx vertx, String runId, int attempt) {
    vertx.eventBus().publish(ADDRESS, message(runId, attempt));
  }
}
