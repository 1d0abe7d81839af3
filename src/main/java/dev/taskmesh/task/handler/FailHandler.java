package dev.taskmesh.task.handler;

import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fails on purpose, for fault demos and tests. {@code {}} always fails. Modes: {@code error} (a
 * failed future), {@code throw} (an exception thrown by the handler itself), {@code hang} (never
 * answers: the per-type timeout ends the attempt). With {@code probability} below 1 it succeeds the
 * rest of the time; with {@code failAttempts} it fails only the first attempts (then succeeds).
 */
public final class FailHandler implements TaskHandler {

  private static final long TIMEOUT_MS = 2_000;

  @Override
  public String type() {
    return "fail";
  }

  @Override
  public String description() {
    return "Fails on purpose (mode error | throw | hang, probability 1.0, failAttempts 0 = every attempt, by default).";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("mode", new JsonObject().put("type", "string").put("enum", new JsonArray().add("error").add("throw").add("hang")).put("default", "error"))
            .put("probability", new JsonObject().put("type", "number").put("minimum", 0).put("maximum", 1).put("default", 1.0))
            .put("failAttempts", new JsonObject().put("type", "integer").put("minimum", 0).put("maximum", 100).put("default", 0))
            .put("message", new JsonObject().put("type", "string").put("maxLength", 500).put("default", "failed on purpose")));
  }

  @Override
  public Duration timeout() {
    return Duration.ofMillis(TIMEOUT_MS);
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    double probability = Math.min(1, Math.max(0, context.doubleInput("probability", 1.0)));
    int failAttempts = Math.max(0, context.intInput("failAttempts", 0));
    String message = context.textInput("message", "failed on purpose");
    boolean fails = (failAttempts == 0 || context.attempt() <= failAttempts)
        && (probability >= 1.0 || ThreadLocalRandom.current().nextDouble() < probability);
    if (!fails) {
      return Future.succeededFuture(new JsonObject().put("failed", false).put("attempt", context.attempt()));
    }
    String mode = context.textInput("mode", "error");
    switch (mode) {
      case "throw":
        throw new IllegalStateException(message);
      case "hang":
        Promise<Object> never = Promise.promise();
        context.onCancel().onSuccess(v -> never.tryFail(new CancellationException(context.cancellation().reason())));
        return never.future();
      default:
        return Future.failedFuture(new TaskFailedException(message));
    }
  }

  /** The failure this handler reports in mode {@code error}. */
  public static final class TaskFailedException extends RuntimeException {
    public TaskFailedException(String message) {
      super(message, null, false, false);
    }
  }
}
