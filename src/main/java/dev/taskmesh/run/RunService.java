package dev.taskmesh.run;

import dev.taskmesh.auth.Caller;
import dev.taskmesh.bridge.BacklogFullException;
import dev.taskmesh.infra.MongoErrors;
import dev.taskmesh.infra.ReadOnlyJsonCodec;
import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.observability.PipelineTelemetry;
import dev.taskmesh.task.Task;
import dev.taskmesh.task.TaskHandlers;
import dev.taskmesh.updater.RunEventWriter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Accepts, cancels and retries runs: one store write (the run with its outbox marker), then a
 * best-effort immediate publish; the outbox relay covers a crash in between. Who may do what is
 * decided here too: a run is visible to whoever launched it and to admins; others get "not found".
 */
public final class RunService {

  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
  private static final DeliveryOptions PLAIN_DELIVERY = new DeliveryOptions();

  /** Workers listen here for {@code {runId, attempt}} to stop a cancelled attempt cooperatively. */
  public static final String CANCEL_ADDRESS = RunCancellation.ADDRESS;

  private static final int SETTLED_CACHE = 5_000;

  /** The caller asked for something that does not exist or is not allowed; maps to a 4xx. */
  public static final class RejectedRunException extends RuntimeException {
    public RejectedRunException(String message) {
      super(message);
    }
  }

  /** A refusal with its HTTP status (403, 404, 409) and a sentence saying why. */
  public static final class RunRefusedException extends RuntimeException {
    private final int status;

    public RunRefusedException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** A launch's outcome; {@code replayed} when an Idempotency-Key matched an earlier launch. */
  public record Launched(Run run, boolean replayed) {}

  public record Page(List<Run> items, long total) {}

  /**
   * A batch launch's outcome: the runs the store accepted, in launch order, and how many it did not
   * (only when the store failed part of a bulk insert; {@code firstFailure} says why).
   */
  public record BatchLaunched(List<Run> accepted, int failed, Throwable firstFailure) {}

  /** The most runs one batch launch may ask for: one bulk insert of the store. */
  public static final int MAX_BATCH = RunRepository.MAX_INSERT_BATCH;

  private final RunRepository runs;
  private final OutboxRelay relay;
  private final TaskHandlers handlers;
  private final int maxAttempts;
  private final EventBus eventBus;
  private final IdempotencyKeys idempotency;
  // Touched only on this service's event loop (one RunService per API verticle instance).
  private final java.util.Map<String, Run> settled = new java.util.LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, Run> eldest) {
      return size() > SETTLED_CACHE;
    }
  };

  public RunService(RunRepository runs, OutboxRelay relay, TaskHandlers handlers, int maxAttempts) {
    this(runs, relay, handlers, maxAttempts, null, null);
  }

  public RunService(RunRepository runs, OutboxRelay relay, TaskHandlers handlers, int maxAttempts, EventBus eventBus, IdempotencyKeys idempotency) {
    this.runs = runs;
    this.relay = relay;
    this.handlers = handlers;
    this.maxAttempts = maxAttempts;
    this.eventBus = eventBus;
    if (eventBus != null) {
      ReadOnlyJsonCodec.register(eventBus);
    }
    this.idempotency = idempotency;
  }

  /** Completes once the run is durable; publishing continues in the background (the outbox covers a crash). */
  public Future<Run> launch(String taskId, String type, JsonObject input, String launchedBy, String traceId) {
    return launch(TimeOrderedIds.next(), taskId, type, input, launchedBy, traceId);
  }

  private Future<Run> launch(String runId, String taskId, String type, JsonObject input, String launchedBy, String traceId) {
    if (handlers.find(type).isEmpty()) {
      return Future.failedFuture(new RejectedRunException("unknown task type '" + type + "'"));
    }
    // Created when its id was made, to the millisecond: lists ordered by creation read the ids' order.
    Run run = Run.queued(runId, taskId, type, input, maxAttempts, launchedBy, traceId, TimeOrderedIds.timeOf(runId));
    return runs.insert(run).onSuccess(stored -> {
      PipelineTelemetry.accepted(stored.id(), type, traceId);
      announce(stored, RunStatus.QUEUED);
      publish(stored);
    });
  }

  /**
   * Launches a task the caller can see and may run. With an idempotency key, the same caller and key
   * within 24 hours get the first run back instead of a second one.
   */
  public Future<Launched> launch(Task task, Caller caller, String idempotencyKey, String traceId) {
    Optional<RuntimeException> refused = refusal(task, caller);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    if (idempotencyKey == null || idempotency == null) {
      return launch(task.id(), task.type(), task.input(), caller.id(), traceId).map(run -> new Launched(run, false));
    }
    return idempotency.claim(caller.id(), idempotencyKey, task.id(), TimeOrderedIds.next(), Instant.now()).compose(claim -> {
      if (!claim.taskId().equals(task.id())) {
        return Future.failedFuture(new RunRefusedException(409, "This Idempotency-Key was used for another task within 24 hours; use a new key."));
      }
      if (claim.fresh()) {
        return launch(claim.runId(), task.id(), task.type(), task.input(), caller.id(), traceId).map(run -> new Launched(run, false));
      }
      // An earlier request claimed the key; its run exists unless that request died between claim and insert.
      return runs.findById(claim.runId()).compose(found -> found.isPresent()
          ? Future.succeededFuture(new Launched(found.get(), true))
          : launch(claim.runId(), task.id(), task.type(), task.input(), caller.id(), traceId).map(run -> new Launched(run, false))
              .recover(e -> MongoErrors.duplicateKey(e)
                  ? runs.findById(claim.runId()).map(again -> new Launched(again.orElseThrow(), true))
                  : Future.failedFuture(e)));
    });
  }

  /**
   * Launches {@code count} runs of a task in one request, with the same checks as a single launch.
   * The runs are inserted together (one bulk insert, see {@link RunRepository#insert}) and each is
   * then published like a single launch's; they share the request's trace.
   */
  public Future<BatchLaunched> launchBatch(Task task, Caller caller, int count, String traceId) {
    if (count < 1 || count > MAX_BATCH) {
      return Future.failedFuture(new RejectedRunException("count must be between 1 and " + MAX_BATCH + ", was " + count));
    }
    Optional<RuntimeException> refused = refusal(task, caller);
    if (refused.isPresent()) {
      return Future.failedFuture(refused.get());
    }
    List<Future<Run>> launches = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      launches.add(launch(task.id(), task.type(), task.input(), caller.id(), traceId));
    }
    return Future.join(launches).transform(all -> {
      List<Run> accepted = new java.util.ArrayList<>(count);
      Throwable firstFailure = null;
      for (Future<Run> launch : launches) {
        if (launch.succeeded()) {
          accepted.add(launch.result());
        } else if (firstFailure == null) {
          firstFailure = launch.cause();
        }
      }
      return accepted.isEmpty()
          ? Future.failedFuture(firstFailure)
          : Future.succeededFuture(new BatchLaunched(accepted, count - accepted.size(), firstFailure));
    });
  }

  /** Why this caller may not launch this task, if they may not: an invisible task is "not found". */
  private static Optional<RuntimeException> refusal(Task task, Caller caller) {
    if (!caller.canSee(task.owner())) {
      return Optional.of(notFound("task", task.id()));
    }
    if (!caller.role().canWrite()) {
      return Optional.of(new RunRefusedException(403, "Role " + caller.role().label() + " may read but not launch runs."));
    }
    return Optional.empty();
  }

  public Future<Optional<Run>> find(String id) {
    return runs.findById(id);
  }

  /**
   * The run if the caller may see it. COMPLETED and CANCELLED runs never change again (every write
   * is guarded on {@code final:false}; only DEAD runs are retried), so they are kept in a small
   * per-instance cache: clients polling a finished run do not reach the store.
   */
  public Future<Optional<Run>> find(String id, Caller caller) {
    Run cached = settled.get(id);
    if (cached != null) {
      return Future.succeededFuture(caller.canSee(cached.launchedBy()) ? Optional.of(cached) : Optional.empty());
    }
    return runs.findById(id).map(found -> {
      found.filter(run -> run.status() == RunStatus.COMPLETED || run.status() == RunStatus.CANCELLED).ifPresent(run -> settled.put(id, run));
      return found.filter(run -> caller.canSee(run.launchedBy()));
    });
  }

  public Future<Page> list(RunQuery query) {
    return Future.all(runs.find(query), runs.count(query)).map(all -> new Page(all.resultAt(0), all.<Long>resultAt(1)));
  }

  /**
   * Moves a non-final run to CANCELLED at its current attempt (the guarded write refuses a final
   * run), then tells workers to stop that attempt and live streams that it changed.
   */
  public Future<Run> cancel(String id, Caller caller) {
    return writable(id, caller).compose(run -> cancel(run, caller, 2));
  }

  private Future<Run> cancel(Run run, Caller caller, int triesLeft) {
    if (run.status().terminal()) {
      return Future.failedFuture(new RunRefusedException(409, "Run " + run.id() + " is already " + run.status() + "; only a run that has not ended can be cancelled."));
    }
    RunEvent event = RunEvent.of(run.id(), run.attempt(), RunStatus.CANCELLED, run.startedAt(), null, "cancelled by " + caller.id());
    return runs.apply(event).compose(changed -> {
      if (changed) {
        notify(CANCEL_ADDRESS, RunCancellation.message(run.id(), run.attempt()));
        notifyStatus(event.toJson().put("launchedBy", run.launchedBy()));
        return runs.findById(run.id()).map(Optional::orElseThrow);
      }
      // The run moved meanwhile (a new attempt, or it ended): decide again on what is stored now.
      return runs.findById(run.id()).compose(now -> now.isEmpty() || triesLeft == 0
          ? Future.failedFuture(new RunRefusedException(409, "Run " + run.id() + " changed while being cancelled; try again."))
          : cancel(now.get(), caller, triesLeft - 1));
    });
  }

  /** A DEAD run gets a new attempt. FAILED is not final here: another attempt is already scheduled. */
  public Future<Run> retry(String id, Caller caller) {
    return writable(id, caller).compose(run -> {
      if (run.status() != RunStatus.DEAD) {
        String why = run.status() == RunStatus.FAILED
            ? "its attempt " + run.attempt() + " failed and the next attempt is already scheduled"
            : "it is " + run.status();
        return Future.failedFuture(new RunRefusedException(409, "Only a DEAD run can be retried; " + why + "."));
      }
      return runs.requeueDead(id).compose(requeued -> {
        if (requeued.isEmpty()) {
          return Future.failedFuture(new RunRefusedException(409, "Run " + id + " changed while being retried; try again."));
        }
        Run queued = requeued.get();
        announce(queued, RunStatus.QUEUED);
        publish(queued);
        return Future.succeededFuture(queued);
      });
    });
  }

  private Future<Run> writable(String id, Caller caller) {
    return find(id, caller).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(notFound("run", id));
      }
      if (!caller.role().canWrite()) {
        return Future.failedFuture(new RunRefusedException(403, "Role " + caller.role().label() + " may read but not change runs."));
      }
      return Future.succeededFuture(found.get());
    });
  }

  private void publish(Run run) {
    // A refusal for a full backlog is one of many while the broker is away; the publisher warns about it once a minute.
    relay.publish(run).onFailure(e -> LOG.atLevel(e instanceof BacklogFullException ? Level.DEBUG : Level.WARN)
        .log("Run {} not published yet ({}); the outbox relay will retry", run.id(), e.getMessage()));
  }

  private void announce(Run run, RunStatus status) {
    notifyStatus(new RunEvent(run.id(), run.attempt(), status, Instant.now(), null, null, null)
        .toJson().put("launchedBy", run.launchedBy()));
  }

  /**
   * Best-effort notification (live streams, workers): the store write it follows is already done, so
   * a failed publish (see RunEventWriter#announce) must neither skip the launch's publish nor turn
   * a completed cancel into an error for the client.
   */
  private void notify(String address, JsonObject body) {
    notify(address, body, PLAIN_DELIVERY);
  }

  /** Status notices are read-only for their consumers, which share one object in process ({@link ReadOnlyJsonCodec}). */
  private void notifyStatus(JsonObject notice) {
    notify(RunEventWriter.STATUS_ADDRESS, notice, ReadOnlyJsonCodec.DELIVERY);
  }

  private void notify(String address, JsonObject body, DeliveryOptions options) {
    if (eventBus == null) {
      return;
    }
    try {
      eventBus.publish(address, body, options);
    } catch (RuntimeException e) {
      LOG.debug("Notification on {} not published: {}", address, e.toString());
    }
  }

  public static RunRefusedException notFound(String what, String id) {
    return new RunRefusedException(404, "No " + what + " with id " + id + ".");
  }
}
