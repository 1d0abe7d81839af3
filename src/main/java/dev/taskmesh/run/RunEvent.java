package dev.taskmesh.run;

import dev.taskmesh.infra.IsoInstants;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A status change of one attempt of a run, on {@code task-events} (RUNNING, progress) or
 * {@code task-completed} (COMPLETED, DEAD, CANCELLED). Keyed by run id. Outcomes carry the
 * attempt's start time too: they travel on another topic than RUNNING and may be applied first.
 */
public record RunEvent(String runId, int attempt, RunStatus status, Instant at, Instant startedAt, Object result, String error) {

  public static final int SCHEMA_VERSION = 1;

  public static RunEvent of(String runId, int attempt, RunStatus status, Instant startedAt, Object result, String error) {
    return new RunEvent(runId, attempt, status, Instant.now(), startedAt, result, error);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("v", SCHEMA_VERSION)
        .put("runId", runId)
        .put("attempt", attempt)
        .put("status", status.name())
        .put("at", IsoInstants.format(at))
        .put("startedAt", startedAt == null ? null : IsoInstants.format(startedAt))
        .put("result", result)
        .put("error", error);
  }

  public static RunEvent fromJson(JsonObject json) {
    MessageSchema.requireVersion(json, SCHEMA_VERSION);
    RunStatus status;
    try {
      status = RunStatus.valueOf(MessageSchema.requireText(json, "status"));
    } catch (IllegalArgumentException e) {
      throw new MessageSchema.InvalidMessageException("unknown status '" + json.getValue("status") + "'");
    }
    return new RunEvent(
        MessageSchema.requireText(json, "runId"),
        MessageSchema.requirePositive(json, "attempt"),
        status,
        IsoInstants.parse(MessageSchema.requireText(json, "at")),
        json.getString("startedAt") == null ? null : IsoInstants.parse(json.getString("startedAt")),
        json.getValue("result"),
        json.getString("error"));
  }
}
