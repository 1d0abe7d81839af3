package dev.taskmesh.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task started every period on the caller's context, never two at once: a tick that finds the
 * previous run still going is skipped, so a slow store does not pile sweeps up. A failed run is
 * logged and the next tick tries again.
 */
public final class PeriodicTask {

  private static final Logger LOG = LoggerFactory.getLogger(PeriodicTask.class);

  private final String what;
  private final Supplier<Future<?>> task;
  private final long timer;
  private final Vertx vertx;
  private boolean running;

  private PeriodicTask(Vertx vertx, long initialDelayMs, long periodMs, String what, Supplier<Future<?>> task) {
    this.vertx = vertx;
    this.what = what;
    this.task = task;
    this.timer = vertx.setPeriodic(initialDelayMs, periodMs, id -> tick());
  }

  /** Starts {@code task} after {@code initialDelayMs}, then every {@code periodMs}; {@code what} names it in the log. */
  public static PeriodicTask start(Vertx vertx, long initialDelayMs, long periodMs, String what, Supplier<Future<?>> task) {
    return new PeriodicTask(vertx, initialDelayMs, periodMs, what, task);
  }

  private void tick() {
    if (running) {
      return;
    }
    running = true;
    Future<?> run;
    try {
      run = task.get();
    } catch (RuntimeException e) {
      run = Future.failedFuture(e);
    }
    run.onFailure(e -> LOG.warn("{} failed, will retry: {}", what, e.getMessage()))
        .onComplete(done -> running = false);
  }

  /** No further runs; one in progress finishes. */
  public void cancel() {
    vertx.cancelTimer(timer);
  }
}
