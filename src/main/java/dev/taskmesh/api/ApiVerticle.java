package dev.taskmesh.api;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.observability.Health;
import dev.taskmesh.run.OutboxRelay;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;

/** The REST gateway: wires routes to their handlers and listens. Several instances share the port. */
public final class ApiVerticle extends VerticleBase {

  /** Request bodies above this are refused with 413. */
  static final long BODY_LIMIT_BYTES = 64 * 1024;

  private final AppConfig config;
  private final TaskHandlers handlers;
  private KafkaPublisher publisher;
  private HttpServer server;
  private KafkaAdminClient healthAdmin;

  public ApiVerticle(AppConfig config, TaskHandlers handlers) {
    this.config = config;
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    MongoClient mongo = Mongo.client(vertx, config);
    String bootstrap = config.kafka().bootstrapServers().orElseThrow();
    publisher = new KafkaPublisher(vertx, "taskmesh-api", bootstrap);
    RunRepository runs = new RunRepository(mongo);
    RunService runService = new RunService(runs, new OutboxRelay(runs, publisher, config.kafka().topics().pendingTasks()),
        handlers, config.pipeline().maxAttempts());

    Router router = Router.router(vertx);
    router.route().handler(new dev.taskmesh.observability.AccessLogHandler());
    router.route().handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES));
    healthAdmin = Health.mount(router, vertx, bootstrap, mongo);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    new RunRoutes(runService, handlers).mount(router);
    ErrorHandlers.install(router);

    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()).setPort(config.http().port()));
    return server.requestHandler(router).listen();
  }

  @Override
  public Future<?> stop() {
    return server.close().eventually(publisher::close).eventually(healthAdmin::close);
  }
}
