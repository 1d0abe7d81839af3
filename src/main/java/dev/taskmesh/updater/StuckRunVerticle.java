package dev.taskmesh.updater;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.infra.PeriodicTask;
import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the stuck-run rule periodically, one sweep at a time (deployed once per updater process). */
public final class StuckRunVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StuckRunVerticle.class);

  private final AppConfig config;
  private KafkaPublisher publisher;
  private StuckRunSweeper sweeper;
  private PeriodicTask sweeps;

  public StuckRunVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    AppConfig.Topics topics = config.kafka().topics();
    publisher = new KafkaPublisher(vertx, "taskmesh-stuck-runs", config.kafka());
    sweeper = new StuckRunSweeper(new RunRepository(Mongo.client(vertx, config)), publisher, topics.pendingTasks(), topics.taskCompleted(),
        topics.deadLetters(), Duration.ofMillis(config.pipeline().stuckAfterMs()), config.pipeline().maxRecoveries());
    long every = config.pipeline().stuckSweepMs();
    sweeps = PeriodicTask.start(vertx, every, every, "Stuck-run sweep", () -> sweeper.sweep().onSuccess(n -> {
      if (n > 0) {
        LOG.info("Stuck-run sweep acted on {} run(s)", n);
      }
    }));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    sweeps.cancel();
    return publisher.close();
  }
}
