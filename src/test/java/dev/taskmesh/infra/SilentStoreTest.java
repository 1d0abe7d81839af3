package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.MongoSocketReadTimeoutException;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigLoader;
import dev.taskmesh.support.TcpProxy;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A store that keeps its connections open and stops answering (a partition; or, as seen in
 * StoreOutageIT, a connection the store accepted while it shut down and never closed) must not
 * hold a request forever: both store clients give up after {@code mongo.socketTimeoutMs}, close the
 * connection, and work again once the store answers. Without that timeout the MongoDB driver waits
 * for ever, and a write waited on by a group commit holds every write queued behind it.
 */
class SilentStoreTest {

  /** Far above the timeout configured here: a request still pending then was never going to end. */
  private static final long PATIENCE_SECONDS = 20;

  private static Vertx vertx;
  private static TestStore store;
  private static TcpProxy proxy;
  private static AppConfig config;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    proxy = new TcpProxy(store.server().getLocalAddress().getPort());
    config = ConfigLoader.load(vertx, Optional.empty(), Map.of(
        "MONGO_URI", "mongodb://127.0.0.1:" + proxy.port(),
        "MONGO_DATABASE", "silent",
        "MONGO_SOCKET_TIMEOUT_MS", "300"), new Properties()).await();
  }

  @AfterAll
  static void stop() {
    proxy.close();
    store.close();
    vertx.close().await();
  }

  @Test
  void theBulkWriterGivesUpOnASilentStoreAndWritesAgainWhenItAnswers() throws Exception {
    BsonBulk bulk = BsonBulk.open(vertx, config);
    try {
      Supplier<Future<?>> insert = () -> bulk.write("runs",
          List.of(BulkOperation.createInsert(new JsonObject().put("_id", UUID.randomUUID().toString()))), false);
      assertAnsweredOnlyWhileTheStoreSpeaks(insert);
    } finally {
      bulk.close().await();
    }
  }

  @Test
  void theDocumentClientGivesUpOnASilentStoreAndReadsAgainWhenItAnswers() throws Exception {
    MongoClient mongo = MongoClient.create(vertx, Mongo.clientConfig(config));
    try {
      Supplier<Future<?>> read = () -> mongo.findOne("tasks", new JsonObject().put("_id", "any"), null);
      assertAnsweredOnlyWhileTheStoreSpeaks(read);
    } finally {
      mongo.close().await();
    }
  }

  private static void assertAnsweredOnlyWhileTheStoreSpeaks(Supplier<Future<?>> request) throws Exception {
    outcome(request.get()); // a connection is open and in the pool before the store goes silent
    proxy.silence();
    Throwable unanswered;
    try {
      unanswered = catchThrowable(() -> outcome(request.get()));
    } finally {
      proxy.speak();
    }
    assertThat(unanswered).as("a request to a silent store (a TimeoutException: it was still waiting)").isInstanceOf(ExecutionException.class);
    assertThat(causeOf(unanswered, MongoSocketReadTimeoutException.class)).as("the driver's read timeout").isNotNull();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        outcome(request.get());
        return;
      } catch (ExecutionException e) {
        last = e.getCause(); // a connection opened while silent may still be failing
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no request succeeded after the store answered again", last);
  }

  private static Object outcome(Future<?> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
  }

  private static Throwable causeOf(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return cause;
      }
    }
    return null;
  }
}
