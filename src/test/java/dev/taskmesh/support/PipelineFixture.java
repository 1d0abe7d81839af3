package dev.taskmesh.support;

import dev.taskmesh.Application;
import dev.taskmesh.auth.Caller;
import dev.taskmesh.auth.Role;
import dev.taskmesh.bridge.KafkaBridgeVerticle;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigLoader;
import dev.taskmesh.deadletter.DeadLetterRepository;
import dev.taskmesh.deadletter.DeadLetterService;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.run.OutboxRelay;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskHandlers;
import dev.taskmesh.worker.WorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One in-process application (embedded broker, store on the memory backend unless told otherwise)
 * shared by the tests of one IT class, with counting task handlers and a ledger of accepted runs.
 */
public final class PipelineFixture implements AutoCloseable {

  public static final String ADMIN_PASSWORD = "test-password-123";

  private final Application app;
  private final Path dataDir;
  private final Ledger ledger;
  private final RunService runService;
  private final RunRepository runs;
  private final KafkaPublisher publisher;

  private PipelineFixture(Application app, Path dataDir, Ledger ledger) {
    this.app = app;
    this.dataDir = dataDir;
    this.ledger = ledger;
    this.runs = new RunRepository(mongo());
    this.publisher = new KafkaPublisher(vertx(), "test-publisher", config().kafka());
    this.runService = new RunService(runs, new OutboxRelay(runs, publisher, config().kafka().topics().pendingTasks()),
        ledger.handlers(), config().pipeline().maxAttempts(), vertx().eventBus(), null);
  }

  /** Starts with these environment variables over the test defaults (memory store, free ports, fast retries). */
  public static PipelineFixture start(Map<String, String> env) throws IOException {
    Path dataDir = Files.createTempDirectory("taskmesh-it");
    Map<String, String> all = new HashMap<>();
    all.put("DATA_DIR", dataDir.toString());
    all.put("HTTP_HOST", "127.0.0.1");
    all.put("HTTP_PORT", Integer.toString(AppProcess.freePort()));
    all.put("API_INSTANCES", "1");
    all.put("MONGO_EMBEDDED_BACKEND", "memory");
    all.put("ADMIN_PASSWORD", ADMIN_PASSWORD);
    all.put("RETRY_BASE_MS", "200");
    all.put("RETRY_MAX_MS", "1000");
    all.put("SHUTDOWN_GRACE_MS", "1000");
    all.putAll(env);
    AppConfig config = load(all);
    Ledger ledger = new Ledger();
    Application app = new Application(config, c -> ledger.counting(TaskHandlers.defaults(c.tasks())));
    app.start(System.nanoTime());
    return new PipelineFixture(app, dataDir, ledger);
  }

  private static AppConfig load(Map<String, String> env) {
    Vertx temporary = Vertx.vertx();
    try {
      return ConfigLoader.load(temporary, Optional.empty(), env, new Properties()).await();
    } finally {
      temporary.close().await();
    }
  }

  public Vertx vertx() {
    return app.vertx();
  }

  public AppConfig config() {
    return app.config();
  }

  public Ledger ledger() {
    return ledger;
  }

  public RunRepository runs() {
    return runs;
  }

  public MongoClient mongo() {
    return Mongo.client(vertx(), config());
  }

  public KafkaPublisher publisher() {
    return publisher;
  }

  public String bootstrapServers() {
    return config().kafka().bootstrapServers().orElseThrow();
  }

  public DeadLetterService deadLetters() {
    return new DeadLetterService(new DeadLetterRepository(mongo()), runs, publisher, config().kafka().topics().pendingTasks(),
        config().pipeline().maxAttempts());
  }

  /** Launches a run through the service (as the gateway does) and records it in the ledger as accepted. */
  public Run launch(String tag, String type, JsonObject input) {
    Run run = runService.launch(tag, type, input, "it", null).await();
    ledger.accepted(tag, run.id());
    return run;
  }

  public List<Run> launchMany(String tag, String type, JsonObject input, int count) {
    List<Future<Run>> launched = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      launched.add(runService.launch(tag, type, input, "it", null));
    }
    List<Run> runs = new ArrayList<>();
    for (Future<Run> future : launched) {
      Run run = future.await();
      ledger.accepted(tag, run.id());
      runs.add(run);
    }
    return runs;
  }

  /** Cancels a run through the service, as the gateway's {@code POST /api/runs/{id}/cancel} does for an admin. */
  public Run cancel(String runId) {
    return runService.cancel(runId, new Caller("it", "it@taskmesh.test", Role.ADMIN)).await();
  }

  public JsonObject document(String runId) {
    return runs.findDocument(runId).await().orElseThrow(() -> new AssertionError("no run " + runId));
  }

  /** Waits until the run is terminal in the store; returns its document. */
  public JsonObject awaitFinal(String runId, long timeoutMs) throws InterruptedException {
    return Awaits.until(() -> runs.findDocument(runId).await().filter(doc -> doc.getBoolean("final", false)).orElse(null),
        timeoutMs, "run " + runId + " terminal");
  }

  /** One worker instance as the worker role deploys it: a worker verticle and its bridge (one consumer). */
  public List<String> deployWorkerInstance() {
    String worker = vertx().deployVerticle(() -> new WorkerVerticle(config(), ledger.handlers()), new DeploymentOptions()).await();
    String bridge = vertx().deployVerticle(() -> new KafkaBridgeVerticle(WorkerVerticle.bridgeSpec(config()), bootstrapServers()),
        new DeploymentOptions()).await();
    return List.of(worker, bridge);
  }

  public void undeploy(String deploymentId) {
    vertx().undeploy(deploymentId).timeout(20, TimeUnit.SECONDS).await();
  }

  @Override
  public void close() {
    try {
      publisher.close().timeout(5, TimeUnit.SECONDS).await();
    } catch (RuntimeException e) {
      // the application's stop closes the rest
    }
    app.stop();
    TempDirs.deleteQuietly(dataDir);
  }
}
