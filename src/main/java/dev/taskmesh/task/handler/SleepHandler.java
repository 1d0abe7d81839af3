package dev.taskmesh.task.handler;

import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CancellationException;

/** Simulated I/O latency on a non-blocking timer; with {@code {}} it returns at once (the trivial type). */
public final class SleepHandler implements TaskHandler {

  static final long MAX_MILLIS = 600_000;

  @Override
  public String type() {
    return "sleep";
  }

  @Override
  public String description() {
    return "Waits the given milliseconds without blocking a thread (simulated I/O); 0 by default.";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("millis", new JsonObject().put("type", "integer").put("minimum", 0).put("maximum", MAX_MILLIS).put("default", 0)));
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    long millis = Math.min(MAX_MILLIS, Math.max(0, context.longInput("millis", 0)));
    JsonObject result = new JsonObject().put("sleptMillis", millis);
    if (millis == 0) {
      return Future.succeededFuture(result);
    }
    Promise<Object> promise = Promise.promise();
    long timer = context.vertx().setTimer(millis, id -> promise.tryComplete(result));
    // The sleep is the cooperative checkpoint: a cancel ends it at once.
    context.onCancel().onSuccess(v -> {
      context.vertx().cancelTimer(timer);
      promise.tryFail(new CancellationException(context.cancellation().reason()));
    });
    return promise.future();
  }
}
