package dev.taskmesh.auth;

import dev.taskmesh.run.MongoDates;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A local user account as stored in {@code users}. The password hash never leaves this package's store layer. */
public record Account(String id, String email, String name, Role role, String passwordHash, Instant createdAt, Instant updatedAt) {

  public static final int SCHEMA_VERSION = 1;

  public static Account fromDocument(JsonObject doc) {
    return new Account(doc.getString("_id"), doc.getString("email"), doc.getString("name"),
        Role.parse(doc.getString("role")).orElse(Role.INVITED), doc.getString("passwordHash"),
        MongoDates.fromDocument(doc.getValue("createdAt")), MongoDates.fromDocument(doc.getValue("updatedAt")));
  }

  public JsonObject toDocument() {
    return new JsonObject()
        .put("_id", id)
        .put("v", SCHEMA_VERSION)
        .put("email", email)
        .put("name", name)
        .put("role", role.label())
        .put("passwordHash", passwordHash)
        .put("createdAt", MongoDates.toDocument(createdAt))
        .put("updatedAt", MongoDates.toDocument(updatedAt));
  }

  /** The public view: never the hash. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("email", email)
        .put("name", name)
        .put("role", role.label())
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString());
  }
}
