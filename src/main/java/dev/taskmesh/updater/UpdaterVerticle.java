package dev.taskmesh.updater;

import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.observability.LogContext;

/** Takes run events from the event bus (fed by the task-events and task-completed bridge) and writes them. */
public final class UpdaterVerticle extends VerticleBase {

  public static final String ADDRESS = "updater.events";

  private final AppConfig config;
  private MessageConsumer<String> consumer;

  public UpdaterVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    RunEventWriter writer = new RunEventWriter(new RunRepository(Mongo.client(vertx, config)), vertx.eventBus());
    consumer = vertx.eventBus().consumer(ADDRESS, message ->
        writer.write(LogContext.enter(message).body()).onComplete(done -> {
          if (done.succeeded()) {
            message.reply(null);
          } else {
            message.fail(503, "store write failed: " + done.cause().getMessage());
          }
        }));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }
}
