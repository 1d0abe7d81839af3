package dev.taskmesh.task;

import dev.taskmesh.run.MongoDates;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** A task definition owned by a user: what to run ({@code type} + {@code input}) and how it is labelled. */
public record Task(
    String id,
    String owner,
    String title,
    String description,
    String type,
    JsonObject input,
    Priority priority,
    Instant createdAt,
    Instant updatedAt) {

  public static final int SCHEMA_VERSION = 1;

  /** Stored with a rank, so sorting by priority means low < medium < high, not alphabetical. */
  public enum Priority {
    LOW, MEDIUM, HIGH;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public int rank() {
      return ordinal() + 1;
    }

    public static Optional<Priority> parse(String label) {
      for (Priority p : values()) {
        if (p.label().equals(label)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }
  }

  public JsonObject toDocument() {
    return new JsonObject()
        .put("_id", id)
        .put("v", SCHEMA_VERSION)
        .put("owner", owner)
        .put("title", title)
        .put("description", description)
        .put("type", type)
        .put("input", input)
        .put("priority", priority.label())
        .put("priorityRank", priority.rank())
        .put("createdAt", MongoDates.toDocument(createdAt))
        .put("updatedAt", MongoDates.toDocument(updatedAt));
  }

  public static Task fromDocument(JsonObject doc) {
    return new Task(doc.getString("_id"), doc.getString("owner"), doc.getString("title"), doc.getString("description", ""),
        doc.getString("type"), Optional.ofNullable(doc.getJsonObject("input")).orElseGet(JsonObject::new),
        Priority.parse(doc.getString("priority")).orElse(Priority.MEDIUM),
        MongoDates.fromDocument(doc.getValue("createdAt")), MongoDates.fromDocument(doc.getValue("updatedAt")));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("owner", owner)
        .put("title", title)
        .put("description", description)
        .put("type", type)
        .put("input", input)
        .put("priority", priority.label())
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
  }
}
