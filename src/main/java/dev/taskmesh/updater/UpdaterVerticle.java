package dev.taskmesh.updater;

import dev.taskmesh.observability.LogContext;
import dev.taskmesh.bridge.BridgeSpec;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.deadletter.DeadLetter;
import dev.taskmesh.deadletter.DeadLetterRepository;
import dev.taskmesh.infra.BsonBulk;
import dev.taskmesh.infra.Mongo;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes run events and dead letters from the event bus (fed by the bridge of task-events,
 * task-completed and dead-letters) and writes them to the store; replies only once the write is
 * acknowledged. An unreadable event is poison: it is stored as a dead letter and its partition flows on.
 */
public final class UpdaterVerticle extends VerticleBase {

  public static final String ADDRESS = "updater.events";

  private static final Logger LOG = LoggerFactory.getLogger(UpdaterVerticle.class);

  private final AppConfig config;
  private MessageConsumer<String> consumer;
  private RunEventWriter writer;
  private BsonBulk bulk;

  public UpdaterVerticle(AppConfig config) {
    this.config = config;
  }

  /** The bridge that feeds updater verticles: task-events, task-completed and dead-letters, group taskmesh-updater. */
  public static BridgeSpec bridgeSpec(AppConfig config) {
    AppConfig.Topics topics = config.kafka().topics();
    return new BridgeSpec("updater-bridge", List.of(topics.taskEvents(), topics.taskCompleted(), topics.deadLetters()),
        "taskmesh-updater", ADDRESS, 512, 30_000, config.pipeline().shutdownGraceMs());
  }

  @Override
  public Future<?> start() {
    MongoClient mongo = Mongo.client(vertx, config);
    DeadLetterRepository letters = new DeadLetterRepository(mongo);
    bulk = BsonBulk.open(vertx, config);
    writer = new RunEventWriter(vertx, new RunRepository(mongo, bulk), config.updater().batchSize(), config.updater().batchDelayMs());
    String deadLetterTopic = config.kafka().topics().deadLetters();
    // Local only: in a cluster, this process's bridge must hand its records to this process's
    // verticles; a request routed to another member would wait out its timeout if that member died.
    consumer = vertx.eventBus().localConsumer(ADDRESS, message -> {
      LogContext.enter(message);
      DeadLetter.Source source = source(message);
      Future<Void> written = deadLetterTopic.equals(source.topic())
          ? letters.store(readLetter(message.body(), source))
          : writeEvent(message.body(), source, letters);
      written.onComplete(done -> {
        if (done.succeeded()) {
          message.reply(null);
        } else {
          message.fail(503, "store write failed: " + done.cause().getMessage());
        }
      });
    });
    return consumer.completion();
  }

  private Future<Void> writeEvent(String body, DeadLetter.Source source, DeadLetterRepository letters) {
    RunEvent event;
    try {
      event = RunEvent.fromJson(new JsonObject(body));
    } catch (RuntimeException e) {
      // An event nobody can read can never be applied; retrying it would block its partition forever.
      LOG.error("Poison run event at {} ({}): stored as a dead letter", source, e.getMessage());
      return letters.store(DeadLetter.forMessage("unreadable run event: " + e.getMessage(), body, source));
    }
    return writer.write(event);
  }

  private static DeadLetter readLetter(String body, DeadLetter.Source source) {
    try {
      return DeadLetter.fromJson(new JsonObject(body));
    } catch (RuntimeException e) {
      return DeadLetter.forMessage("unreadable dead letter: " + e.getMessage(), body, source);
    }
  }

  private static DeadLetter.Source source(Message<String> message) {
    try {
      String partition = message.headers().get(BridgeSpec.HEADER_PARTITION);
      String offset = message.headers().get(BridgeSpec.HEADER_OFFSET);
      return new DeadLetter.Source(message.headers().get(BridgeSpec.HEADER_TOPIC),
          partition == null ? null : Integer.valueOf(partition), offset == null ? null : Long.valueOf(offset));
    } catch (NumberFormatException e) {
      return new DeadLetter.Source(message.headers().get(BridgeSpec.HEADER_TOPIC), null, null);
    }
  }

  /** Writes what is batched, then stops taking events (the bridge stopped before, draining its replies). */
  @Override
  public Future<?> stop() {
    return writer.drain().eventually(consumer::unregister)
        .eventually(() -> bulk == null ? Future.succeededFuture() : bulk.close());
  }
}
