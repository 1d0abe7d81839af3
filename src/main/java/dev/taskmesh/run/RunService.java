package dev.taskmesh.run;

import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Accepts runs: one store write (the run with its outbox marker), then a best-effort immediate publish. */
public final class RunService {

  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);

  /** The caller asked for something that does not exist or is not allowed; maps to a 4xx. */
  public static final class RejectedRunException extends RuntimeException {
    public RejectedRunException(String message) {
      super(message);
    }
  }

  private final RunRepository runs;
  private final OutboxRelay relay;
  private final TaskHandlers handlers;
  private final int maxAttempts;

  public RunService(RunRepository runs, OutboxRelay relay, TaskHandlers handlers, int maxAttempts) {
    this.runs = runs;
    this.relay = relay;
    this.handlers = handlers;
    this.maxAttempts = maxAttempts;
  }

  /** Completes once the run is durable; publishing continues in the background (the outbox covers a crash). */
  public Future<Run> launch(String taskId, String type, JsonObject input, String launchedBy, String traceId) {
    if (handlers.find(type).isEmpty()) {
      return Future.failedFuture(new RejectedRunException("unknown task type '" + type + "'"));
    }
    Run run = Run.queued(UUID.randomUUID().toString(), taskId, type, input, maxAttempts, launchedBy, traceId, Instant.now());
    return runs.insert(run).onSuccess(stored -> PipelineTelemetry.accepted(run.id(), type, traceId)).onSuccess(stored -> relay.publish(stored)
        .onFailure(e -> LOG.warn("Run {} not published yet ({}); the outbox relay will retry", stored.id(), e.getMessage())));
  }

  public Future<java.util.Optional<Run>> find(String id) {
    return runs.findById(id);
  }
}
