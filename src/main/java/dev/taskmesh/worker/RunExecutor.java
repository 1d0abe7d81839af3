package dev.taskmesh.worker;

import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.deadletter.DeadLetter;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.task.Cancellation;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one attempt of a run and publishes its outcome. The returned future completes only when
 * the outcome (result, next attempt, dead letter, or CANCELLED) is acknowledged by the broker, so
 * the bridge commits the command's offset only after nothing can be lost. It fails when the attempt
 * is handed back (the worker is stopping): then nothing was published and the command is redelivered.
 *
 * <p>Before executing, it reads the run's stored state: a run already terminal (a duplicate
 * delivery, a cancelled run) or already at a later attempt (a stale command) is not executed again.
 * That read is best effort: if the store does not answer quickly the attempt runs anyway (the
 * updater's guarded writes keep the result right) and the read is skipped for a few seconds.
 */
public final class RunExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final long STATE_LOOKUP_TIMEOUT_MS = 500;
  private static final long STATE_LOOKUP_PAUSE_MS = 5_000;

  /** The worker is stopping: the attempt was abandoned without an outcome and must be redelivered. */
  public static final class HandedBackException extends RuntimeException {
    HandedBackException(String runId) {
      super("run " + runId + " handed back: worker stopping", null, false, false);
    }
  }

  private final Vertx vertx;
  private final TaskHandlers handlers;
  private final KafkaPublisher publisher;
  private final AppConfig.Topics topics;
  private final AppConfig.Pipeline pipeline;
  private final RunRepository runs;
  private final InFlightRuns inFlight;
  private final WorkerExecutor cpu;
  private long lookupsPausedUntil;

  RunExecutor(Vertx vertx, TaskHandlers handlers, KafkaPublisher publisher, AppConfig.Topics topics, AppConfig.Pipeline pipeline,
      RunRepository runs, InFlightRuns inFlight, WorkerExecutor cpu) {
    this.cpu = cpu;
    this.vertx = vertx;
    this.handlers = handlers;
    this.publisher = publisher;
    this.topics = topics;
    this.pipeline = pipeline;
    this.runs = runs;
    this.inFlight = inFlight;
  }

  public Future<Void> execute(String message, String traceparent, DeadLetter.Source source) {
    RunCommand command;
    try {
      command = RunCommand.fromJson(new JsonObject(message));
    } catch (RuntimeException e) {
      LOG.warn("Poison command at {}: {}", source, e.getMessage());
      return publisher.send(topics.deadLetters(), null,
          DeadLetter.forMessage("unreadable command: " + e.getMessage(), message, source).toJson(), traceparent)
          .onSuccess(sent -> PipelineTelemetry.deadLetter(null, true));
    }
    TaskHandler handler = handlers.find(command.type()).orElse(null);
    if (handler == null) {
      LOG.warn("Run {} has unknown task type '{}': dead letter", command.runId(), command.type());
      return deadLetter(command, null, message, "unknown task type '" + command.type() + "'", source, traceparent);
    }
    InFlightRuns.Attempt attempt = inFlight.begin(command.runId(), command.attempt());
    return waitUntil(command.notBefore(), attempt.cancellation)
        .compose(v -> storedState(command))
        .compose(state -> {
          if (attempt.cancellation.isCancelled()) {
            return cancelled(command, attempt.cancellation, null, traceparent);
          }
          if (state.isPresent() && state.get().getBoolean("final", false)) {
            LOG.debug("Run {} is already {}; command of attempt {} skipped", command.runId(), state.get().getString("status"), command.attempt());
            return Future.succeededFuture();
          }
          if (state.isPresent() && state.get().getInteger("attempt", 0) > command.attempt()) {
            LOG.debug("Run {} is at attempt {}; stale command of attempt {} skipped", command.runId(), state.get().getInteger("attempt"), command.attempt());
            return Future.succeededFuture();
          }
          return run(command, handler, attempt.cancellation, source, traceparent);
        })
        .eventually(() -> {
          inFlight.end(attempt);
          return Future.succeededFuture();
        });
  }

  private Future<Void> run(RunCommand command, TaskHandler handler, Cancellation cancellation, DeadLetter.Source source, String traceparent) {
    Instant startedAt = Instant.now();
    long announcement = announceRunning(command, startedAt, traceparent);
    PipelineTelemetry.attemptStarted(command.runId(), command.type(), command.attempt());
    Future<Object> outcome;
    try {
      outcome = handler.execute(new TaskContext(vertx, command.runId(), command.attempt(), command.input(), cancellation, cpu))
          .timeout(handler.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome = outcome.andThen(attempt -> PipelineTelemetry.attemptFinished(command.runId(), command.type(), command.attempt(), startedAt, attempt.cause()));
    // A handler that does not check cancellation keeps running in the background, but the run ends now.
    Promise<Object> first = Promise.promise();
    outcome.onComplete(done -> {
      if (done.succeeded()) {
        first.tryComplete(done.result());
      } else {
        first.tryFail(done.cause());
      }
    });
    cancellation.future().onSuccess(v -> first.tryFail(new CancellationException(cancellation.reason())));
    return first.future().transform(attempt -> {
      vertx.cancelTimer(announcement);
      if (cancellation.isCancelled()) {
        return cancelled(command, cancellation, startedAt, traceparent);
      }
      return attempt.succeeded()
          ? publishOutcome(command, RunStatus.COMPLETED, startedAt, attempt.result(), null, traceparent)
          : failed(command, startedAt, describe(attempt.cause()), source, traceparent);
    });
  }

  /**
   * RUNNING is published once the attempt has run for {@code runningEventDelayMs}; an attempt that
   * ends sooner cancels it, and its outcome, which carries {@code startedAt}, records the start. Most
   * runs of short types then cost one message and one store write fewer. Returns the timer's id
   * (-1 when published at once).
   */
  private long announceRunning(RunCommand command, Instant startedAt, String traceparent) {
    Runnable publish = () -> publisher.send(topics.taskEvents(), command.runId(),
            RunEvent.of(command.runId(), command.attempt(), RunStatus.RUNNING, startedAt, null, null).toJson(), traceparent)
        .onFailure(e -> LOG.warn("RUNNING event of run {} not published: {}", command.runId(), e.getMessage()));
    if (pipeline.runningEventDelayMs() == 0) {
      publish.run();
      return -1;
    }
    return vertx.setTimer(pipeline.runningEventDelayMs(), id -> publish.run());
  }

  private Future<Void> cancelled(RunCommand command, Cancellation cancellation, Instant startedAt, String traceparent) {
    if (InFlightRuns.WORKER_STOPPING.equals(cancellation.reason())) {
      return Future.failedFuture(new HandedBackException(command.runId()));
    }
    LOG.info("Run {} attempt {} cancelled", command.runId(), command.attempt());
    return publishOutcome(command, RunStatus.CANCELLED, startedAt, null, cancellation.reason(), traceparent);
  }

  private Future<Void> failed(RunCommand command, Instant startedAt, String error, DeadLetter.Source source, String traceparent) {
    if (command.attempt() < command.maxAttempts()) {
      long notBefore = Instant.now().toEpochMilli() + backoff(command.attempt(), pipeline.retryBaseMs(), pipeline.retryMaxMs());
      LOG.info("Run {} attempt {} failed ({}); attempt {} follows", command.runId(), command.attempt(), error, command.attempt() + 1);
      PipelineTelemetry.retry(command.type());
      return Future.all(
              publisher.send(topics.taskEvents(), command.runId(), RunEvent.of(command.runId(), command.attempt(), RunStatus.FAILED, startedAt, null, error).toJson(), traceparent),
              publisher.send(topics.pendingTasks(), command.runId(), command.nextAttempt(notBefore).toJson(), traceparent))
          .mapEmpty();
    }
    LOG.warn("Run {} failed its last attempt {}: {}", command.runId(), command.attempt(), error);
    return deadLetter(command, startedAt, command.toJson().encode(), error, source, traceparent);
  }

  private Future<Void> deadLetter(RunCommand command, Instant startedAt, String payload, String reason, DeadLetter.Source source, String traceparent) {
    DeadLetter letter = DeadLetter.forRun(command.runId(), command.attempt(), command.type(), reason, payload, source);
    return publisher.send(topics.deadLetters(), command.runId(), letter.toJson(), traceparent)
        .onSuccess(sent -> PipelineTelemetry.deadLetter(command.runId(), false))
        .compose(v -> publishOutcome(command, RunStatus.DEAD, startedAt, null, reason, traceparent));
  }

  private Future<Void> publishOutcome(RunCommand command, RunStatus status, Instant startedAt, Object result, String error, String traceparent) {
    return publisher.send(topics.taskCompleted(), command.runId(), RunEvent.of(command.runId(), command.attempt(), status, startedAt, result, error).toJson(), traceparent);
  }

  private Future<Optional<JsonObject>> storedState(RunCommand command) {
    if (runs == null || System.currentTimeMillis() < lookupsPausedUntil) {
      return Future.succeededFuture(Optional.empty());
    }
    // Concurrent pre-checks share one query (RunRepository.state): one round trip per batch, not per run.
    return runs.state(command.runId())
        .timeout(STATE_LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> {
          if (System.currentTimeMillis() >= lookupsPausedUntil) {
            LOG.warn("Run state lookup failed ({}); executing without it for {} ms", e.getMessage(), STATE_LOOKUP_PAUSE_MS);
          }
          lookupsPausedUntil = System.currentTimeMillis() + STATE_LOOKUP_PAUSE_MS;
          return Future.succeededFuture(Optional.empty());
        });
  }

  private Future<Void> waitUntil(long notBefore, Cancellation cancellation) {
    long delay = notBefore - System.currentTimeMillis();
    if (delay <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    long timer = vertx.setTimer(delay, id -> promise.tryComplete());
    cancellation.future().onSuccess(v -> {
      vertx.cancelTimer(timer);
      promise.tryComplete();
    });
    return promise.future();
  }

  /** Exponential backoff with jitter: a random delay in [d/2, d] with d = base * 2^(attempt-1), capped. */
  static long backoff(int failedAttempt, long baseMs, long maxMs) {
    long exponential = Math.min(maxMs, baseMs << Math.min(failedAttempt - 1, 20));
    return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
