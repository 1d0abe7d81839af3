package dev.taskmesh.task;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CancellationException;

/**
 * Cooperative cancellation of one attempt. The worker requests it (a cancel command, or the worker
 * stopping); handlers look at it at their checkpoints. Readable from any thread: CPU-bound handlers
 * check it from a worker thread between chunks of work.
 */
public final class Cancellation {

  private final Promise<Void> requested = Promise.promise();
  private volatile String reason;

  /** Requests cancellation; the first reason wins. Call on the worker's context. */
  public void cancel(String why) {
    if (reason == null) {
      reason = why;
      requested.tryComplete();
    }
  }

  public boolean isCancelled() {
    return reason != null;
  }

  public String reason() {
    return reason;
  }

  /** Completes when cancellation is requested. */
  public Future<Void> future() {
    return requested.future();
  }

  /** Throws at a cooperative checkpoint once cancellation was requested. */
  public void check() {
    if (reason != null) {
      throw new CancellationException(reason);
    }
  }
}
