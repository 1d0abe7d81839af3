package dev.taskmesh.observability;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.Role;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per process: the application meters (created at zero), consumer lag, the outbox backlog
 * (api role), log-shipping meters, and, when {@code metrics.port} is set, a small management server
 * with {@code /metrics} and {@code /health/*} for processes that serve no API.
 */
public final class ObservabilityVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityVerticle.class);
  private static final long BACKLOG_INTERVAL_MS = 5_000;

  private final AppConfig config;
  private final List<String> taskTypes;
  private final List<String> consumerGroups;
  private KafkaLagMonitor lag;
  private HttpServer server;
  private KafkaAdminClient healthAdmin;
  private long backlogTimer = -1;

  public ObservabilityVerticle(AppConfig config, List<String> taskTypes, List<String> consumerGroups) {
    this.config = config;
    this.taskTypes = taskTypes;
    this.consumerGroups = consumerGroups;
  }

  @Override
  public Future<?> start() {
    MeterRegistry registry = Metrics.registry();
    Metrics.preRegister(Arrays.stream(RunStatus.values()).map(Enum::name).toList(), taskTypes);
    LogShipping.bind(registry);
    String bootstrap = config.kafka().bootstrapServers().orElseThrow();
    if (!consumerGroups.isEmpty()) {
      lag = new KafkaLagMonitor(vertx, bootstrap, consumerGroups, registry);
      lag.start(config.metrics().kafkaLagIntervalMs());
    }
    if (config.runs(Role.API)) {
      watchOutbox(registry);
    }
    if (config.metrics().port().isEmpty()) {
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    healthAdmin = Health.mount(router, vertx, bootstrap, Mongo.client(vertx, config));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()).setPort(config.metrics().port().get()));
    return server.requestHandler(router).listen()
        .onSuccess(s -> LOG.info("Metrics and health on port {} (/metrics, /health/live, /health/ready)", s.actualPort()));
  }

  private void watchOutbox(MeterRegistry registry) {
    RunRepository runs = new RunRepository(Mongo.client(vertx, config));
    AtomicLong backlog = new AtomicLong();
    Gauge.builder(Metrics.OUTBOX_BACKLOG, backlog, AtomicLong::get)
        .description("Accepted runs not yet published to Kafka (outbox marker still set)").register(registry);
    backlogTimer = vertx.setPeriodic(0, BACKLOG_INTERVAL_MS, id -> runs.countUnpublished()
        .onSuccess(backlog::set)
        .onFailure(e -> LOG.debug("Outbox backlog not counted: {}", e.getMessage())));
  }

  @Override
  public Future<?> stop() {
    if (backlogTimer >= 0) {
      vertx.cancelTimer(backlogTimer);
    }
    Future<?> closing = lag == null ? Future.succeededFuture() : lag.stop();
    if (server != null) {
      closing = closing.eventually(() -> server.close()).eventually(() -> healthAdmin.close());
    }
    return closing;
  }
}
