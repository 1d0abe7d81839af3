package dev.taskmesh.run;

import dev.taskmesh.infra.IsoInstants;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * One execution of a task, as stored in the {@code runs} collection and returned by the API.
 * {@code outbox} is true until the run has been published to Kafka (transactional outbox).
 */
public record Run(
    String id,
    String taskId,
    String type,
    RunStatus status,
    int attempt,
    int maxAttempts,
    JsonObject input,
    Object result,
    String error,
    String launchedBy,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String traceId,
    boolean outbox) {

  public static final int SCHEMA_VERSION = 1;

  public static Run queued(String id, String taskId, String type, JsonObject input, int maxAttempts, String launchedBy, String traceId, Instant now) {
    return new Run(id, taskId, type, RunStatus.QUEUED, 1, maxAttempts, input, null, null, launchedBy, now, null, null, traceId, true);
  }

  /** The same run with its outbox marker cleared (published by other means, e.g. a replay). */
  public Run withoutOutbox() {
    return new Run(id, taskId, type, status, attempt, maxAttempts, input, result, error, launchedBy, createdAt, startedAt, finishedAt, traceId, false);
  }

  public JsonObject toDocument() {
    return new JsonObject()
        .put("_id", id)
        .put("v", SCHEMA_VERSION)
        .put("taskId", taskId)
        .put("type", type)
        .put("status", status.name())
        .put("seq", status.sequence(attempt))
        .put("final", status.terminal())
        .put("attempt", attempt)
        .put("maxAttempts", maxAttempts)
        .put("input", input)
        .put("result", result)
        .put("error", error)
        .put("launchedBy", launchedBy)
        .put("createdAt", MongoDates.toDocument(createdAt))
        .put("startedAt", MongoDates.toDocument(startedAt))
        .put("finishedAt", MongoDates.toDocument(finishedAt))
        .put("traceId", traceId)
        .put("outbox", outbox)
        .put("updatedAt", MongoDates.toDocument(createdAt))
        .put("recoveries", 0)
        // The audit trail of applied transitions: the ledger checks read it (exactly one terminal entry).
        .put("transitions", new io.vertx.core.json.JsonArray().add(RunChanges.transition(status, attempt, createdAt, null)));
  }

  public static Run fromDocument(JsonObject doc) {
    return new Run(
        doc.getString("_id"),
        doc.getString("taskId"),
        doc.getString("type"),
        RunStatus.valueOf(doc.getString("status")),
        doc.getInteger("attempt", 1),
        doc.getInteger("maxAttempts", 1),
        Optional.ofNullable(doc.getJsonObject("input")).orElseGet(JsonObject::new),
        doc.getValue("result"),
        doc.getString("error"),
        doc.getString("launchedBy"),
        MongoDates.fromDocument(doc.getValue("createdAt")),
        MongoDates.fromDocument(doc.getValue("startedAt")),
        MongoDates.fromDocument(doc.getValue("finishedAt")),
        doc.getString("traceId"),
        doc.getBoolean("outbox", false));
  }

  /** The public view: no storage internals. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("taskId", taskId)
        .put("type", type)
        .put("status", status.name())
        .put("attempt", attempt)
        .put("maxAttempts", maxAttempts)
        .put("input", input)
        .put("result", result)
        .put("error", error)
        .put("launchedBy", launchedBy)
        .put("createdAt", iso(createdAt))
        .put("startedAt", iso(startedAt))
        .put("finishedAt", iso(finishedAt))
        .put("traceId", traceId);
  }

  private static String iso(Instant instant) {
    return instant == null ? null : IsoInstants.format(instant);
  }
}
