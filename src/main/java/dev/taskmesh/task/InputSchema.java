package dev.taskmesh.task;

import io.vertx.core.json.JsonObject;

/** Builders for the JSON schemas task handlers declare for their input. */
public final class InputSchema {

  private InputSchema() {}

  /** An object with exactly these properties (unknown fields are refused). */
  public static JsonObject object(JsonObject properties) {
    return new JsonObject().put("type", "object").put("additionalProperties", false).put("properties", properties);
  }
}
