package dev.taskmesh.run;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.PeriodicTask;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Instant;

/** Sweeps the outbox periodically, one sweep at a time, and once at start (runs a crash left behind). */
public final class OutboxRelayVerticle extends VerticleBase {

  private final AppConfig config;
  private OutboxRelay relay;
  private KafkaPublisher publisher;
  private PeriodicTask sweeps;

  public OutboxRelayVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    publisher = new KafkaPublisher(vertx, "taskmesh-outbox", config.kafka());
    relay = new OutboxRelay(new RunRepository(Mongo.client(vertx, config)), publisher, config.kafka().topics().pendingTasks());
    long every = config.pipeline().outboxSweepMs();
    // Runs younger than one sweep interval are still on the fast path; leave them to it.
    sweeps = PeriodicTask.start(vertx, 0, every, "Outbox sweep", () -> relay.sweep(Instant.now().minusMillis(every)));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    sweeps.cancel();
    return relay.flush().eventually(publisher::close);
  }
}
