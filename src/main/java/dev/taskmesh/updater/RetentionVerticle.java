package dev.taskmesh.updater;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.PeriodicTask;
import dev.taskmesh.observability.Metrics;
import dev.taskmesh.run.RunRetention;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the retention policy ({@link RunRetention}) periodically, one sweep at a time (deployed
 * once per updater process, and only when a retention period is set).
 */
public final class RetentionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);

  private final AppConfig config;
  private PeriodicTask sweeps;

  public RetentionVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    Duration keep = config.pipeline().runRetention().orElseThrow(() -> new IllegalStateException("deployed with retention off"));
    RunRetention retention = new RunRetention(Mongo.client(vertx, config), keep);
    long every = config.pipeline().retentionSweepMs();
    sweeps = PeriodicTask.start(vertx, every, every, "Retention sweep", () -> retention.sweep(Instant.now()).onSuccess(swept -> {
      Metrics.retentionDeleted("runs", swept.runs());
      Metrics.retentionDeleted("idempotency_keys", swept.idempotencyKeys());
      if (swept.runs() + swept.idempotencyKeys() > 0) {
        LOG.info("Retention sweep deleted {} run(s) and {} idempotency record(s) older than {}", swept.runs(), swept.idempotencyKeys(), keep);
      }
    }));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    sweeps.cancel();
    return Future.succeededFuture();
  }
}
