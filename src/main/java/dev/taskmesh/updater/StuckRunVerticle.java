package dev.taskmesh.updater;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
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
  private long timer;
  private boolean sweeping;

  public StuckRunVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    AppConfig.Topics topics = config.kafka().topics();
    publisher = new KafkaPublisher(vertx, "taskmesh-stuck-runs", config.kafka().bootstrapServers().orElseThrow());
    sweeper = new StuckRunSweeper(new RunRepository(Mongo.client(vertx, config)), publisher, topics.pendingTasks(), topics.taskCompleted(),
        topics.deadLetters(), Duration.ofMillis(config.pipeline().stuckAfterMs()), config.pipeline().maxRecoveries());
    timer = vertx.setPeriodic(config.pipeline().stuckSweepMs(), id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    sweeper.sweep()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Stuck-run sweep acted on {} run(s)", n);
          }
        })
        .onFailure(e -> LOG.warn("Stuck-run sweep failed, will retry: {}", e.getMessage()))
        .onComplete(done -> sweeping = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return publisher.close();
  }
}
