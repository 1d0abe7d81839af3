package dev.taskmesh.deadletter;

import dev.taskmesh.run.MongoDates;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A message that could not be processed: a poison message (unreadable, unknown version or type)
 * or a run out of attempts. Travels on the dead-letter topic (versioned JSON, keyed by run id when
 * known) and is kept in the {@code dead_letters} collection for listing and replay.
 *
 * @param id deterministic, so a redelivered letter is stored once: {@code run:<runId>:<attempt>}
 *     for a run, {@code msg:<topic>:<partition>:<offset>} for a message without a readable run
 */
public record DeadLetter(
    String id,
    String runId,
    Integer attempt,
    String type,
    String reason,
    String payload,
    String sourceTopic,
    Integer sourcePartition,
    Long sourceOffset,
    Instant at) {

  public static final int SCHEMA_VERSION = 1;

  public static DeadLetter forRun(String runId, int attempt, String type, String reason, String payload, Source source) {
    return new DeadLetter("run:" + runId + ":" + attempt, runId, attempt, type, reason, payload,
        source.topic(), source.partition(), source.offset(), Instant.now());
  }

  public static DeadLetter forMessage(String reason, String payload, Source source) {
    String id = source.topic() == null ? "msg:" + java.util.UUID.randomUUID() : "msg:" + source.topic() + ":" + source.partition() + ":" + source.offset();
    return new DeadLetter(id, null, null, null, reason, payload, source.topic(), source.partition(), source.offset(), Instant.now());
  }

  /** Where a message came from (the bridge's Kafka coordinates); fields may be null. */
  public record Source(String topic, Integer partition, Long offset) {}

  public JsonObject toJson() {
    return new JsonObject()
        .put("v", SCHEMA_VERSION)
        .put("id", id)
        .put("runId", runId)
        .put("attempt", attempt)
        .put("type", type)
        .put("reason", reason)
        .put("payload", payload)
        .put("source", new JsonObject().put("topic", sourceTopic).put("partition", sourcePartition).put("offset", sourceOffset))
        .put("at", at.toString());
  }

  public static DeadLetter fromJson(JsonObject json) {
    if (!(json.getValue("v") instanceof Number version) || version.intValue() != SCHEMA_VERSION || json.getString("id") == null) {
      throw new IllegalArgumentException("not a dead letter of schema version " + SCHEMA_VERSION);
    }
    JsonObject source = json.getJsonObject("source", new JsonObject());
    return new DeadLetter(json.getString("id"), json.getString("runId"), json.getInteger("attempt"), json.getString("type"),
        json.getString("reason"), json.getString("payload"), source.getString("topic"), source.getInteger("partition"),
        source.getLong("offset"), Instant.parse(json.getString("at")));
  }

  public JsonObject toDocument() {
    JsonObject doc = toJson();
    doc.remove("id");
    return doc.put("_id", id).put("at", MongoDates.toDocument(at));
  }

  /** The public view of a stored letter. */
  public static JsonObject publicView(JsonObject doc) {
    JsonObject view = doc.copy();
    view.put("id", view.remove("_id"));
    view.remove("v");
    view.put("at", iso(doc.getValue("at")));
    view.put("replayedAt", iso(doc.getValue("replayedAt")));
    return view;
  }

  private static String iso(Object date) {
    Instant instant = MongoDates.fromDocument(date);
    return instant == null ? null : instant.toString();
  }
}
