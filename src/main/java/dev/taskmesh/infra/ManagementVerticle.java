package dev.taskmesh.infra;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.Health;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * Health and metrics for a process without the api role (workers, updaters), so that container
 * health checks, Kubernetes probes and Prometheus reach it the same way as an api process.
 */
public final class ManagementVerticle extends VerticleBase {

  private final AppConfig config;
  private HttpServer server;
  private KafkaAdminClient healthAdmin;

  public ManagementVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    healthAdmin = Health.mount(router, vertx, config.kafka().bootstrapServers().orElseThrow(), Mongo.client(vertx, config));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.http().host()).setPort(config.management().port()));
    return server.requestHandler(router).listen();
  }

  @Override
  public Future<?> stop() {
    return server.close().eventually(healthAdmin::close);
  }
}
