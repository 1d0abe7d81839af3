package dev.taskmesh.run;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Cancelling a run. The gateway first moves the run to CANCELLED in the store (guarded: a run that
 * already reached a terminal state keeps it), then tells the workers with {@link #request}: a worker
 * executing the run stops it at its next cooperative check and publishes CANCELLED, and a worker
 * that receives the run's command later skips it.
 *
 * <p>The event bus does not cross processes unless Vert.x is clustered, so workers do not depend on
 * the message: before executing a command they read the run's stored state (a CANCELLED run is
 * skipped), and they re-check the stored state of long runs periodically.
 */
public final class RunCancellation {

  /** Event-bus address of cancel requests: {@code {"runId": "...", "attempt": n}} (attempt 0: any). */
  public static final String ADDRESS = "runs.cancel";

  private RunCancellation() {}

  /** Tells every worker of this process (or cluster) that the run is cancelled. */
  public static void request(Vertx vertx, String runId, int attempt) {
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("runId", runId).put("attempt", attempt));
  }

  /**
   * The whole cancel: the guarded store transition, then the request to the workers (only when the
   * run ended CANCELLED). Returns the run as stored afterwards; empty when it does not exist.
   */
  public static Future<Optional<Run>> cancel(Vertx vertx, RunRepository runs, String runId, String reason) {
    return runs.cancel(runId, reason).onSuccess(stored -> stored
        .filter(run -> run.status() == RunStatus.CANCELLED)
        .ifPresent(run -> request(vertx, runId, run.attempt())));
  }
}
