package dev.taskmesh;

import dev.taskmesh.api.ApiVerticle;
import dev.taskmesh.api.Gateway;
import dev.taskmesh.auth.AdminBootstrap;
import dev.taskmesh.auth.PasswordHasher;
import dev.taskmesh.auth.RevocationSyncVerticle;
import dev.taskmesh.bridge.BridgeSpec;
import dev.taskmesh.bridge.KafkaBridgeVerticle;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.Role;
import dev.taskmesh.infra.Clustering;
import dev.taskmesh.infra.ConsumerCapacity;
import dev.taskmesh.infra.EmbeddedInfraException;
import dev.taskmesh.infra.EmbeddedKafka;
import dev.taskmesh.infra.EmbeddedMongo;
import dev.taskmesh.infra.KafkaTopics;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.MongoProbe;
import dev.taskmesh.infra.store.StoreBackends;
import dev.taskmesh.run.OutboxRelayVerticle;
import dev.taskmesh.run.IdempotencyKeys;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.StoreRunAdmission;
import dev.taskmesh.task.TaskRepository;
import dev.taskmesh.task.TaskHandlers;
import dev.taskmesh.updater.RetentionVerticle;
import dev.taskmesh.updater.StuckRunVerticle;
import dev.taskmesh.updater.UpdaterVerticle;
import dev.taskmesh.worker.WorkerVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import dev.taskmesh.observability.LogShipping;
import dev.taskmesh.observability.ObservabilityVerticle;
import dev.taskmesh.observability.logging.ServiceIdentity;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process of the system: the embedded broker and store when no addresses are configured, then
 * Vert.x and the verticles of its roles. Stops in reverse order: intake first, infrastructure last.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);
  private static final long STOP_TIMEOUT_MS = 8_000;
  private static final String WORKER_GROUP = "taskmesh-workers";

  private final AppConfig configured;
  private final Function<AppConfig, TaskHandlers> handlerFactory;
  private final Deque<String> deployments = new ArrayDeque<>();
  private EmbeddedKafka kafka;
  private EmbeddedMongo mongo;
  private StoreRunAdmission storeAdmission;
  private Vertx vertx;
  private AppConfig config;
  private Gateway gateway;

  public Application(AppConfig configured) {
    this(configured, config -> TaskHandlers.defaults(config.tasks()));
  }

  /** With other task handlers than the defaults (tests register counting or extra types this way). */
  public Application(AppConfig configured, Function<AppConfig, TaskHandlers> handlerFactory) {
    this.configured = configured;
    this.handlerFactory = handlerFactory;
  }

  /** Starts everything; blocking (runs on the launcher thread). Returns what the banner shows. */
  public Banner start(long startedAtNanos) {
    ServiceIdentity.roles(configured.roles().stream().map(role -> role.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
    LogShipping.configure(configured.elasticsearch());
    Path dataDir = prepareDataDir(configured.dataDir());
    String kafkaAddress = configured.kafka().bootstrapServers().orElseGet(() -> {
      kafka = EmbeddedKafka.start(dataDir, configured.kafka().embeddedHost(), configured.kafka().embeddedPort());
      return kafka.bootstrapServers();
    });
    String mongoUri = configured.mongo().uri().orElseGet(() -> {
      storeAdmission = StoreRunAdmission.start(configured.mongo().embeddedHeapCeilingPercent());
      mongo = EmbeddedMongo.start(dataDir, configured.mongo().embeddedHost(), configured.mongo().embeddedPort(),
          configured.mongo().embeddedBackend() == AppConfig.StoreBackend.MEMORY,
          new StoreBackends.H2Tuning(configured.mongo().embeddedCacheMb(), configured.mongo().embeddedCommitDelayMs()), storeAdmission,
          configured.mongo().embeddedInProcess());
      return mongo.connectionString();
    });
    config = configured.withEndpoints(kafkaAddress, mongoUri);
    KafkaTopics.ensure(kafkaAddress, config.kafka().topics().withPartitions(config.kafka().partitions()), config.kafka().connectTimeoutMs());

    if (config.runs(Role.WORKER)) {
      ConsumerCapacity.check(kafkaAddress, WORKER_GROUP, config.kafka().topics().pendingTasks(), config.kafka().partitions(),
          config.worker().instances());
    }
    VertxBuilder builder = Vertx.builder()
        .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(dev.taskmesh.observability.Metrics.newRegistry()));
    vertx = config.cluster().enabled()
        ? Clustering.start(builder, vertxOptions(), config.cluster())
        : builder.with(vertxOptions()).build();
    MongoProbe.await(vertx, Mongo.clientConfig(config), config.mongo().connectTimeoutMs());
    Optional<AdminBootstrap.Outcome> admin = Optional.empty();
    if (config.runs(Role.API)) {
      gateway = Gateway.create(vertx, config, dataDir);
      var store = Mongo.client(vertx, config);
      Future.all(new RunRepository(store).createIndexes(), new TaskRepository(store).createIndexes(),
          new IdempotencyKeys(store).createIndexes()).await();
      admin = Optional.of(AdminBootstrap.ensureAdmin(vertx, Mongo.client(vertx, config), config.auth(),
          new PasswordHasher(PasswordHasher.Parameters.OWASP_MINIMUM)).await());
    }
    deployRoles();
    return new Banner(config, dataDir, kafka != null, mongo != null, admin, (System.nanoTime() - startedAtNanos) / 1_000_000);
  }

  private void deployRoles() {
    TaskHandlers handlers = handlerFactory.apply(config);
    String bootstrap = config.kafka().bootstrapServers().orElseThrow();
    // Each bridge is deployed after the verticles it feeds, so it stops first and can drain into them.
    if (config.runs(Role.UPDATER)) {
      int instances = config.updater().instances();
      deploy(() -> new UpdaterVerticle(config), instances);
      deploy(() -> new StuckRunVerticle(config), 1);
      if (config.pipeline().runRetention().isPresent()) {
        deploy(() -> new RetentionVerticle(config), 1);
      }
      BridgeSpec spec = UpdaterVerticle.bridgeSpec(config);
      deploy(() -> new KafkaBridgeVerticle(spec, bootstrap), instances);
    }
    if (config.runs(Role.WORKER)) {
      int instances = config.worker().instances();
      deploy(() -> new WorkerVerticle(config, handlers), instances);
      BridgeSpec spec = WorkerVerticle.bridgeSpec(config);
      deploy(() -> new KafkaBridgeVerticle(spec, bootstrap), instances);
    }
    List<String> groups = new java.util.ArrayList<>();
    if (config.runs(Role.WORKER)) {
      groups.add(WORKER_GROUP);
    }
    if (config.runs(Role.UPDATER)) {
      groups.add("taskmesh-updater");
    }
    List<String> types = handlers.all().stream().map(h -> h.type()).toList();
    deploy(() -> new ObservabilityVerticle(config, types, groups), 1);
    if (config.runs(Role.API)) {
      deploy(() -> new OutboxRelayVerticle(config), 1);
      deploy(() -> new RevocationSyncVerticle(config, gateway.tokens()), 1); // before the gateway serves a token
      deploy(() -> new ApiVerticle(config, handlers, gateway), config.http().instances());
    }
  }

  private void deploy(Supplier<? extends Deployable> verticle, int instances) {
    try {
      deployments.push(vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)).await());
    } catch (Exception e) {
      throw new EmbeddedInfraException(describeDeployFailure(e), e);
    }
  }

  private String describeDeployFailure(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    if (cause instanceof java.net.BindException) {
      return "HTTP port " + config.http().port() + " on " + config.http().host() + " is in use (set HTTP_PORT to another port)";
    }
    return "A verticle failed to start: " + cause;
  }

  /** Stops intake first (the API was deployed last), then workers and bridges, then the infrastructure. */
  public synchronized void stop() {
    if (vertx != null) {
      while (!deployments.isEmpty()) {
        String id = deployments.pop();
        try {
          vertx.undeploy(id).timeout(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS).await();
        } catch (Exception e) {
          LOG.warn("Undeploying {} did not finish cleanly: {}", id, e.getMessage());
        }
      }
      if (gateway != null) {
        gateway.close();
        gateway = null;
      }
      try {
        vertx.close().timeout(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS).await();
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
      }
      vertx = null;
    }

    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
    if (mongo != null) {
      mongo.close();
      mongo = null;
    }
    if (storeAdmission != null) {
      storeAdmission.close();
      storeAdmission = null;
    }
  }

  private VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // route templates (not raw paths) label HTTP metrics; Metrics.newRegistry() decides which meters get buckets
        .addLabels(Label.HTTP_ROUTE)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  private static Path prepareDataDir(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      Path probe = Files.createTempFile(absolute, ".write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new EmbeddedInfraException("Data directory " + absolute + " is not writable (set DATA_DIR to a writable directory)");
    }
    return absolute;
  }

  /** The live Vert.x instance, for tests that embed the application. */
  public Vertx vertx() {
    return vertx;
  }

  public AppConfig config() {
    return config;
  }
}
