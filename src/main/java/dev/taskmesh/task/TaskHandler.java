package dev.taskmesh.task;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * The code for one task type. Adding a type is writing one of these and registering it in
 * {@link TaskHandlers#defaults}. A handler never blocks the event loop: CPU-heavy work goes through
 * {@code context.compute(...)}.
 */
public interface TaskHandler {

  /** The type name clients use, e.g. {@code search-price}. */
  String type();

  /** One line for {@code GET /api/task-types}. */
  String description();

  /** JSON schema of the input; every offline type gives each field a default, so {@code {}} is valid. */
  JsonObject inputSchema();

  /** How long one attempt may take before it counts as failed. */
  default Duration timeout() {
    return Duration.ofSeconds(60);
  }

  /** Runs one attempt; the result must be JSON-encodable (JsonObject, JsonArray, String, Number, Boolean). */
  Future<Object> execute(TaskContext context);
}
