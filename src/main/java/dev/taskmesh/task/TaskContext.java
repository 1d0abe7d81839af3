package dev.taskmesh.task;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** What a handler gets for one attempt. */
public record TaskContext(Vertx vertx, String runId, int attempt, JsonObject input) {

  public int intInput(String field, int defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Number number ? number.intValue() : defaultValue;
  }

  public long longInput(String field, long defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Number number ? number.longValue() : defaultValue;
  }
}
