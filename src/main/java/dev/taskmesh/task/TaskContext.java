package dev.taskmesh.task;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;
import io.vertx.core.json.JsonObject;

/**
 * What a handler gets for one attempt. Long handlers call {@link #checkCancelled()} (or look at
 * {@link #isCancelled()}) at their checkpoints: a cancelled run stops at its next check.
 * CPU-heavy work goes through {@link #compute}: it runs on the worker instance's own executor, so
 * CPU parallelism grows with worker instances ({@code worker.instances × worker.cpuThreads}).
 */
public record TaskContext(Vertx vertx, String runId, int attempt, JsonObject input, Cancellation cancellation, WorkerExecutor cpu) {

  public TaskContext(Vertx vertx, String runId, int attempt, JsonObject input) {
    this(vertx, runId, attempt, input, new Cancellation(), null);
  }

  public TaskContext(Vertx vertx, String runId, int attempt, JsonObject input, Cancellation cancellation) {
    this(vertx, runId, attempt, input, cancellation, null);
  }

  /** Runs CPU-bound work off the event loop, on this worker instance's executor (Vert.x's pool when there is none). */
  public <T> Future<T> compute(Callable<T> work) {
    return cpu == null ? vertx.executeBlocking(work, false) : cpu.executeBlocking(work, false);
  }

  public boolean isCancelled() {
    return cancellation.isCancelled();
  }

  /** Throws {@link java.util.concurrent.CancellationException} when the run was cancelled. */
  public void checkCancelled() {
    cancellation.check();
  }

  /** Completes when the run is cancelled (for handlers waiting on timers or I/O). */
  public Future<Void> onCancel() {
    return cancellation.future();
  }

  public int intInput(String field, int defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Number number ? number.intValue() : defaultValue;
  }

  public long longInput(String field, long defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Number number ? number.longValue() : defaultValue;
  }

  public double doubleInput(String field, double defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Number number ? number.doubleValue() : defaultValue;
  }

  public String textInput(String field, String defaultValue) {
    Object value = input.getValue(field);
    return value instanceof String text ? text : defaultValue;
  }

  public boolean booleanInput(String field, boolean defaultValue) {
    Object value = input.getValue(field);
    return value instanceof Boolean flag ? flag : defaultValue;
  }
}
