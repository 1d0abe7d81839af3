package dev.taskmesh.worker;

import dev.taskmesh.observability.LogContext;
import dev.taskmesh.bridge.BridgeSpec;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.deadletter.DeadLetter;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.ReadsById;
import dev.taskmesh.run.RunCancellation;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes run commands from the event bus (fed by the pending-tasks bridge) and executes them; listens
 * for cancel requests; on stop hands back what is still running (the command is redelivered).
 */
public final class WorkerVerticle extends VerticleBase {

  public static final String ADDRESS = "worker.runs";

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);
  /** How often the stored state of long runs is checked for a cancel that came from another process. */
  static final long CANCEL_CHECK_MS = 1_000;

  private final AppConfig config;
  private final TaskHandlers handlers;
  private final InFlightRuns inFlight = new InFlightRuns();
  private MessageConsumer<String> commands;
  private MessageConsumer<JsonObject> cancels;
  private KafkaPublisher publisher;
  private io.vertx.core.WorkerExecutor cpu;
  private RunRepository runs;
  private long cancelTimer;
  private boolean stopping;

  public WorkerVerticle(AppConfig config, TaskHandlers handlers) {
    this.config = config;
    this.handlers = handlers;
  }

  /** The bridge that feeds worker verticles: pending-tasks, group taskmesh-workers. */
  public static BridgeSpec bridgeSpec(AppConfig config) {
    return new BridgeSpec("worker-bridge", List.of(config.kafka().topics().pendingTasks()), "taskmesh-workers", ADDRESS,
        config.worker().concurrency(), TimeUnit.MINUTES.toMillis(10), config.pipeline().shutdownGraceMs());
  }

  @Override
  public Future<?> start() {
    publisher = new KafkaPublisher(vertx, "taskmesh-worker", config.kafka());
    MongoClient mongo = Mongo.client(vertx, config);
    runs = new RunRepository(mongo, null, ReadsById.Finder.of(vertx, config, mongo));
    // Each instance has its own CPU executor: CPU-bound handlers then scale with worker instances.
    cpu = vertx.createSharedWorkerExecutor("taskmesh-cpu-" + deploymentID() + "-" + System.identityHashCode(this), config.worker().cpuThreads());
    RunExecutor executor = new RunExecutor(vertx, handlers, publisher, config.kafka().topics(), config.pipeline(), runs, inFlight, cpu);
    // Local only: in a cluster, this process's bridge must hand its records to this process's
    // verticles; a request routed to another member would wait out its timeout if that member died.
    commands = vertx.eventBus().localConsumer(ADDRESS, message -> {
      if (stopping) {
        message.fail(503, "worker stopping");
        return;
      }
      executor.execute(LogContext.enter(message).body(), message.headers().get(BridgeSpec.HEADER_TRACEPARENT), source(message.headers()))
          .onComplete(done -> {
            if (done.succeeded()) {
              message.reply(null);
            } else {
              message.fail(503, String.valueOf(done.cause().getMessage()));
            }
          });
    });
    cancels = vertx.eventBus().consumer(RunCancellation.ADDRESS, message -> {
      JsonObject body = message.body();
      if (body != null && body.getString("runId") != null) {
        inFlight.cancel(body.getString("runId"), body.getInteger("attempt", 0));
      }
    });
    cancelTimer = vertx.setPeriodic(CANCEL_CHECK_MS, id -> checkStoredCancels());
    return Future.all(commands.completion(), cancels.completion());
  }

  private void checkStoredCancels() {
    List<String> longRuns = inFlight.runningLongerThan(CANCEL_CHECK_MS);
    if (longRuns.isEmpty()) {
      return;
    }
    runs.cancelledAmong(longRuns)
        .onSuccess(ids -> ids.forEach(id -> inFlight.cancel(id, 0)))
        .onFailure(e -> LOG.debug("Cancel check skipped: {}", e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(cancelTimer);
    int handedBack = inFlight.size();
    if (handedBack > 0) {
      LOG.info("Worker stopping: handing back {} run(s) in flight", handedBack);
    }
    inFlight.abandonAll();
    return Future.join(commands.unregister(), cancels.unregister()).eventually(publisher::close).eventually(cpu::close);
  }

  private static DeadLetter.Source source(MultiMap headers) {
    String partition = headers.get(BridgeSpec.HEADER_PARTITION);
    String offset = headers.get(BridgeSpec.HEADER_OFFSET);
    try {
      return new DeadLetter.Source(headers.get(BridgeSpec.HEADER_TOPIC),
          partition == null ? null : Integer.valueOf(partition), offset == null ? null : Long.valueOf(offset));
    } catch (NumberFormatException e) {
      return new DeadLetter.Source(headers.get(BridgeSpec.HEADER_TOPIC), null, null);
    }
  }
}
