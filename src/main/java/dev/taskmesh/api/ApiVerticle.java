package dev.taskmesh.api;

import dev.taskmesh.auth.AccountRepository;
import dev.taskmesh.auth.AccountService;
import dev.taskmesh.auth.TokenRevocations;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.deadletter.DeadLetterRepository;
import dev.taskmesh.deadletter.DeadLetterService;
import dev.taskmesh.infra.BsonBulk;
import dev.taskmesh.infra.ReadsById;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.observability.Health;
import dev.taskmesh.run.IdempotencyKeys;
import dev.taskmesh.run.OutboxRelay;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunService;
import dev.taskmesh.task.TaskHandlers;
import dev.taskmesh.task.TaskRepository;
import dev.taskmesh.task.TaskService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST gateway: wires the contract's operations to their handlers and listens. Several
 * instances share the port and one {@link Gateway} (tokens, rate limits). Outside the contract:
 * /health/live, /health/ready, /metrics, /openapi.yaml, /openapi.json, /docs.
 */
public final class ApiVerticle extends VerticleBase {

  /** Room for an 8 KiB bearer token plus ordinary headers: a bigger token gets 401, not 431. */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  private final AppConfig config;
  private final TaskHandlers handlers;
  private final Gateway gateway;
  private KafkaPublisher publisher;
  private HttpServer server;
  private KafkaAdminClient healthAdmin;
  private EventStreams streams;
  private OutboxRelay relay;
  private BsonBulk bulk;

  public ApiVerticle(AppConfig config, TaskHandlers handlers, Gateway gateway) {
    this.config = config;
    this.handlers = handlers;
    this.gateway = gateway;
  }

  @Override
  public Future<?> start() {
    MongoClient mongo = Mongo.client(vertx, config);
    String bootstrap = config.kafka().bootstrapServers().orElseThrow();
    publisher = new KafkaPublisher(vertx, "taskmesh-api", config.kafka());
    bulk = BsonBulk.open(vertx, config);
    ReadsById.Finder finder = ReadsById.Finder.of(vertx, config, mongo);
    RunRepository runs = new RunRepository(mongo, bulk, finder);
    relay = new OutboxRelay(runs, publisher, config.kafka().topics().pendingTasks());
    RunService runService = new RunService(runs, relay,
        handlers, config.pipeline().maxAttempts(), vertx.eventBus(), new IdempotencyKeys(mongo));
    TaskService taskService = new TaskService(new TaskRepository(mongo, finder), handlers);
    TokenRevocations revocations = new TokenRevocations(mongo, gateway.tokens(), TokenRevocations.relevantFor(config.auth()));
    AccountService accounts = new AccountService(vertx, new AccountRepository(mongo), gateway.hasher(), gateway.tokens(), revocations,
        gateway.dummyHash());
    streams = new EventStreams(vertx, runService, runs, config.api().maxStreamsPerCaller(), relay::reported);

    Map<String, Handler<RoutingContext>> operations = new LinkedHashMap<>();
    new AuthRoutes(accounts, gateway.loginPerAccount(), gateway.loginPerAddress()).register(operations);
    new UserRoutes(accounts).register(operations);
    new TaskRoutes(taskService, handlers).register(operations);
    new RunRoutes(runService, taskService, gateway.heapGuard()).register(operations);
    streams.register(operations);
    RunResultPage resultPage = new RunResultPage(runs);
    resultPage.register(operations, runService);
    new DeadLetterRoutes(new DeadLetterService(new DeadLetterRepository(mongo), runs, publisher, config.kafka().topics().pendingTasks(),
        config.pipeline().maxAttempts())).register(operations);

    return ApiContract.load(vertx).compose(loaded -> {
      OpenAPIContract contract = loaded.contract();
      Router router = ApiContract.build(vertx, contract, rootHandlers(), JWTAuthHandler.create(gateway.tokens()),
          Requests.rateLimit(gateway.requests()), operations);
      healthAdmin = Health.mount(router, vertx, bootstrap, mongo);
      router.get("/metrics").handler(PrometheusScrapingHandler.create());
      DocsRoutes.mount(router, loaded.yaml(), loaded.json().toBuffer());
      resultPage.mountAssets(router);
      ErrorHandlers.install(router);
      streams.start();
      server = vertx.createHttpServer(new HttpServerOptions()
          .setHost(config.http().host())
          .setPort(config.http().port())
          .setMaxHeaderSize(MAX_HEADER_BYTES)
          // The same room for clients that upgrade to h2c (Java's HttpClient does by default).
          .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxHeaderListSize(MAX_HEADER_BYTES)));
      return server.requestHandler(router).listen();
    });
  }

  private List<Handler<RoutingContext>> rootHandlers() {
    List<Handler<RoutingContext>> root = new ArrayList<>();
    // First: the trace context and the access log line cover every request, refused ones included.
    root.add(new dev.taskmesh.observability.AccessLogHandler());
    if (!config.api().corsOrigins().isEmpty()) {
      io.vertx.ext.web.handler.CorsHandler cors = HttpBasics.cors(config.api().corsOrigins());
      root.add(cors::handle);
    }
    root.add(HttpBasics.headers());
    root.add(HttpBasics.body(config.api().bodyLimitBytes()));
    return root;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = streams == null ? Future.succeededFuture() : streams.stop();
    return closing.eventually(() -> server == null ? Future.succeededFuture() : server.close())
        // Markers of published runs not written yet: a restart would otherwise publish them again.
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.flush())
        .eventually(publisher::close)
        .eventually(() -> healthAdmin == null ? Future.succeededFuture() : healthAdmin.close())
        .eventually(() -> bulk == null ? Future.succeededFuture() : bulk.close());
  }
}
