package dev.taskmesh.run;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sweeps the outbox periodically, one sweep at a time, and once at start (runs a crash left behind). */
public final class OutboxRelayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);

  private final AppConfig config;
  private OutboxRelay relay;
  private KafkaPublisher publisher;
  private long timer;
  private boolean sweeping;

  public OutboxRelayVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    publisher = new KafkaPublisher(vertx, "taskmesh-outbox", config.kafka().bootstrapServers().orElseThrow());
    relay = new OutboxRelay(new RunRepository(Mongo.client(vertx, config)), publisher, config.kafka().topics().pendingTasks());
    timer = vertx.setPeriodic(0, config.pipeline().outboxSweepMs(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    // Runs younger than one sweep interval are still on the fast path; leave them to it.
    relay.sweep(Instant.now().minusMillis(config.pipeline().outboxSweepMs()))
        .onFailure(e -> LOG.warn("Outbox sweep failed, will retry: {}", e.getMessage()))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return relay.flush().eventually(publisher::close);
  }
}
