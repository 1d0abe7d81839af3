package dev.taskmesh.observability;

import dev.taskmesh.observability.logging.LogFields;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call per step of a run's life: a log line (so a trace id query in Kibana shows the whole
 * life) and the step's meters. The pipeline's classes call these with one line each; the logger
 * names say which service wrote the line ({@code taskmesh.api}, {@code taskmesh.relay},
 * {@code taskmesh.worker}, {@code taskmesh.updater}).
 */
public final class PipelineTelemetry {

  private static final Logger RELAY = LoggerFactory.getLogger("taskmesh.relay");
  private static final Logger WORKER = LoggerFactory.getLogger("taskmesh.worker");
  private static final Logger UPDATER = LoggerFactory.getLogger("taskmesh.updater");
  private static final Logger API = LoggerFactory.getLogger("taskmesh.api");

  private PipelineTelemetry() {}

  /** The gateway stored a new run. */
  public static void accepted(String runId, String type, String traceId) {
    LogContext.put(LogFields.RUN_ID, runId);
    try (LogContext.Scope scope = LogContext.scope(LogContext.run(runId, traceId))) {
      API.info("Run {} of type {} accepted", runId, type);
    }
  }

  /** The outbox relay published a run to pending-tasks (fast path or sweep). */
  public static void published(String runId, String traceId) {
    try (LogContext.Scope scope = LogContext.scope(LogContext.run(runId, traceId))) {
      RELAY.info("Run {} published to pending-tasks", runId);
    }
  }

  public static void attemptStarted(String runId, String type, int attempt) {
    WORKER.info("Run {} attempt {} of type {} started", runId, attempt, type);
  }

  /** An attempt ended; {@code failure} null means it completed. */
  public static void attemptFinished(String runId, String type, int attempt, Instant startedAt, Throwable failure) {
    Duration took = Duration.between(startedAt, Instant.now());
    String outcome = failure == null ? "completed" : failure instanceof TimeoutException ? "timeout" : "failed";
    Metrics.taskFinished(type, outcome, took);
    if (failure == null) {
      WORKER.info("Run {} attempt {} completed in {} ms", runId, attempt, took.toMillis());
    } else {
      WORKER.info("Run {} attempt {} {} after {} ms: {}", runId, attempt, outcome, took.toMillis(), failure.toString());
    }
  }

  public static void retry(String type) {
    Metrics.retry(type);
  }

  /** A message went to the dead-letter topic: {@code exhausted} (out of attempts) or {@code poison} (unreadable). */
  public static void deadLetter(String runId, boolean poison) {
    Metrics.deadLetter(poison ? "poison" : "exhausted");
    WORKER.warn("Run {} parked on the dead-letter topic ({})", runId, poison ? "unreadable" : "attempts exhausted");
  }

  /** The updater applied an event; {@code changed} false for a duplicate or late one. */
  public static void statusWritten(String runId, String status, int attempt, boolean changed) {
    if (changed) {
      Metrics.runStatus(status);
      UPDATER.info("Run {} is now {} (attempt {})", runId, status, attempt);
    } else {
      UPDATER.debug("Run {} event {} (attempt {}) changed nothing: duplicate or late", runId, status, attempt);
    }
  }
}
