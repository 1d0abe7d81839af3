package dev.taskmesh.worker;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one attempt of a run and publishes its outcome. The returned future completes only when
 * the outcome (result, next attempt, or dead letter) is acknowledged by the broker, so the bridge
 * commits the command's offset only after nothing can be lost.
 */
public final class RunExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
  private static final long BASE_BACKOFF_MS = 500;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final TaskHandlers handlers;
  private final KafkaPublisher publisher;
  private final AppConfig.Topics topics;

  public RunExecutor(Vertx vertx, TaskHandlers handlers, KafkaPublisher publisher, AppConfig.Topics topics) {
    this.vertx = vertx;
    this.handlers = handlers;
    this.publisher = publisher;
    this.topics = topics;
  }

  public Future<Void> execute(String message, String traceparent) {
    RunCommand command;
    try {
      command = RunCommand.fromJson(new JsonObject(message));
    } catch (RuntimeException e) {
      return deadLetter(null, null, message, "unreadable command: " + e.getMessage(), traceparent);
    }
    TaskHandler handler = handlers.find(command.type()).orElse(null);
    if (handler == null) {
      return deadLetter(command, null, message, "unknown task type '" + command.type() + "'", traceparent);
    }
    return waitUntil(command.notBefore()).compose(v -> run(command, handler, traceparent));
  }

  private Future<Void> run(RunCommand command, TaskHandler handler, String traceparent) {
    Instant startedAt = Instant.now();
    PipelineTelemetry.attemptStarted(command.runId(), command.type(), command.attempt());
    publisher.send(topics.taskEvents(), command.runId(), RunEvent.of(command.runId(), command.attempt(), RunStatus.RUNNING, startedAt, null, null).toJson(), traceparent)
        .onFailure(e -> LOG.warn("RUNNING event of run {} not published: {}", command.runId(), e.getMessage()));
    Future<Object> outcome;
    try {
      outcome = handler.execute(new TaskContext(vertx, command.runId(), command.attempt(), command.input()))
          .timeout(handler.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome = outcome.andThen(attempt -> PipelineTelemetry.attemptFinished(command.runId(), command.type(), command.attempt(), startedAt, attempt.cause()));
    return outcome.transform(attempt -> attempt.succeeded()
        ? publishOutcome(command, RunStatus.COMPLETED, startedAt, attempt.result(), null, traceparent)
        : failed(command, startedAt, describe(attempt.cause()), traceparent));
  }

  private Future<Void> failed(RunCommand command, Instant startedAt, String error, String traceparent) {
    if (command.attempt() < command.maxAttempts()) {
      long notBefore = Instant.now().toEpochMilli() + backoff(command.attempt());
      PipelineTelemetry.retry(command.type());
      LOG.info("Run {} attempt {} failed ({}); attempt {} follows", command.runId(), command.attempt(), error, command.attempt() + 1);
      return Future.all(
              publisher.send(topics.taskEvents(), command.runId(), RunEvent.of(command.runId(), command.attempt(), RunStatus.FAILED, startedAt, null, error).toJson(), traceparent),
              publisher.send(topics.pendingTasks(), command.runId(), command.nextAttempt(notBefore).toJson(), traceparent))
          .mapEmpty();
    }
    LOG.warn("Run {} failed its last attempt {}: {}", command.runId(), command.attempt(), error);
    return deadLetter(command, startedAt, command.toJson().encode(), error, traceparent);
  }

  private Future<Void> deadLetter(RunCommand command, Instant startedAt, String payload, String reason, String traceparent) {
    String runId = command == null ? null : command.runId();
    JsonObject letter = new JsonObject()
        .put("v", 1)
        .put("runId", runId)
        .put("attempt", command == null ? null : command.attempt())
        .put("reason", reason)
        .put("payload", payload)
        .put("at", Instant.now().toString());
    Future<Void> parked = publisher.send(topics.deadLetters(), runId, letter, traceparent).onSuccess(sent -> PipelineTelemetry.deadLetter(runId, command == null));
    return command == null ? parked : parked.compose(v -> publishOutcome(command, RunStatus.DEAD, startedAt, null, reason, traceparent));
  }

  private Future<Void> publishOutcome(RunCommand command, RunStatus status, Instant startedAt, Object result, String error, String traceparent) {
    return publisher.send(topics.taskCompleted(), command.runId(), RunEvent.of(command.runId(), command.attempt(), status, startedAt, result, error).toJson(), traceparent);
  }

  private Future<Void> waitUntil(long notBefore) {
    long delay = notBefore - System.currentTimeMillis();
    if (delay <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(delay, id -> promise.complete());
    return promise.future();
  }

  static long backoff(int failedAttempt) {
    long exponential = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(failedAttempt - 1, 16));
    return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
