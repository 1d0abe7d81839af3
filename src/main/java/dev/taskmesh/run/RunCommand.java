package dev.taskmesh.run;

import io.vertx.core.json.JsonObject;

/**
 * The message on {@code pending-tasks}: "execute this attempt of this run". Keyed by run id, so every
 * message of one run lands on one partition (ordered) while runs spread over all partitions.
 * The trace context travels in the {@code traceparent} Kafka header, not in the body.
 */
public record RunCommand(String runId, String taskId, String type, int attempt, int maxAttempts, JsonObject input, long notBefore) {

  public static final int SCHEMA_VERSION = 1;

  public static RunCommand of(Run run) {
    return new RunCommand(run.id(), run.taskId(), run.type(), run.attempt(), run.maxAttempts(), run.input(), 0);
  }

  /** The next attempt after a failure, not to start before {@code notBefore} (epoch ms): the retry backoff. */
  public RunCommand nextAttempt(long notBefore) {
    return new RunCommand(runId, taskId, type, attempt + 1, maxAttempts, input, notBefore);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("v", SCHEMA_VERSION)
        .put("runId", runId)
        .put("taskId", taskId)
        .put("type", type)
        .put("attempt", attempt)
        .put("maxAttempts", maxAttempts)
        .put("input", input)
        .put("notBefore", notBefore);
  }

  /** Parses and checks a message; a message that fails here is poison and goes to dead letters. */
  public static RunCommand fromJson(JsonObject json) {
    MessageSchema.requireVersion(json, SCHEMA_VERSION);
    return new RunCommand(
        MessageSchema.requireText(json, "runId"),
        json.getString("taskId"),
        MessageSchema.requireText(json, "type"),
        MessageSchema.requirePositive(json, "attempt"),
        MessageSchema.requirePositive(json, "maxAttempts"),
        json.getJsonObject("input", new JsonObject()),
        json.getLong("notBefore", 0L));
  }
}
