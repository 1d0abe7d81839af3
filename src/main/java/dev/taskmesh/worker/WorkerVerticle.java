package dev.taskmesh.worker;

import dev.taskmesh.bridge.BridgeSpec;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.observability.LogContext;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

/** Takes run commands from the event bus (fed by the pending-tasks bridge) and executes them. */
public final class WorkerVerticle extends VerticleBase {

  public static final String ADDRESS = "worker.runs";

  private final AppConfig config;
  private final TaskHandlers handlers;
  private MessageConsumer<String> consumer;
  private KafkaPublisher publisher;

  public WorkerVerticle(AppConfig config, TaskHandlers handlers) {
    this.config = config;
    this.handlers = handlers;
  }

  @Override
  public Future<?> start() {
    String bootstrap = config.kafka().bootstrapServers().orElseThrow();
    publisher = new KafkaPublisher(vertx, "taskmesh-worker", bootstrap);
    RunExecutor executor = new RunExecutor(vertx, handlers, publisher, config.kafka().topics());
    consumer = vertx.eventBus().consumer(ADDRESS, message ->
        executor.execute(LogContext.enter(message).body(), message.headers().get(BridgeSpec.HEADER_TRACEPARENT))
            .onComplete(done -> {
              if (done.succeeded()) {
                message.reply(null);
              } else {
                message.fail(500, done.cause().getMessage());
              }
            }));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister().eventually(publisher::close);
  }
}
