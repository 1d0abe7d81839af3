package dev.taskmesh.observability;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: every dependency answers within
 * a short timeout; 503 with per-dependency detail while one does not, 200 again when it recovers.
 */
public final class Health {

  private static final long CHECK_TIMEOUT_MS = 2_000;

  private Health() {}

  /** Mounts both endpoints; the returned admin client belongs to the caller, who closes it on stop. */
  public static KafkaAdminClient mount(Router router, Vertx vertx, String kafkaBootstrapServers, MongoClient mongo) {
    HealthChecks live = HealthChecks.create(vertx).register("process", promise -> promise.complete(Status.OK()));
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, Map.of(
        "bootstrap.servers", kafkaBootstrapServers,
        "request.timeout.ms", "1500",
        "default.api.timeout.ms", "1800"));
    HealthChecks ready = HealthChecks.create(vertx)
        .register("kafka", CHECK_TIMEOUT_MS * 2, check(() -> admin.describeCluster()
            .map(cluster -> new JsonObject().put("bootstrapServers", kafkaBootstrapServers).put("brokers", cluster.getNodes().size()))))
        .register("mongo", CHECK_TIMEOUT_MS * 2, check(() -> mongo.runCommand("ping", new JsonObject().put("ping", 1))
            .map(reply -> new JsonObject().put("ping", "ok"))));
    ElasticsearchHealth.register(ready, vertx, CHECK_TIMEOUT_MS);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    return admin;
  }

  private static io.vertx.core.Handler<Promise<Status>> check(Supplier<Future<JsonObject>> probe) {
    return promise -> {
      Future<JsonObject> attempt;
      try {
        attempt = probe.get();
      } catch (RuntimeException e) {
        attempt = Future.failedFuture(e);
      }
      attempt.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(result -> promise.complete(result.succeeded()
          ? Status.OK(result.result())
          : Status.KO(new JsonObject().put("error", String.valueOf(result.cause().getMessage())))));
    };
  }
}
