package dev.taskmesh.worker;

import dev.taskmesh.bridge.BridgeSpec;
import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.config.AppConfig;
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
    // Local only: in a cluster, this process's bridge must hand its records to this process's
    // verticles; a request routed to another member would wait out its timeout if that member died.
    consumer = vertx.eventBus().localConsumer(ADDRESS, message ->
        executor.execute(message.body(), message.headers().get(BridgeSpec.HEADER_TRACEPARENT))
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
