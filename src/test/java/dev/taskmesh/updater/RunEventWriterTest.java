package dev.taskmesh.updater;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.TimeOrderedIds;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunEvent;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import dev.taskmesh.support.TestStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Status notifications of the updater's writes: one per change, however often Kafka redelivers the event. */
class RunEventWriterTest {

  private static Vertx vertx;
  private static TestStore store;
  private static RunRepository runs;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    runs = new RunRepository(store.client());
  }

  @AfterAll
  static void stop() {
    store.close();
    vertx.close().await();
  }

  private static Run published() {
    Run run = runs.insert(Run.queued(TimeOrderedIds.next(), "task-1", "sleep", new JsonObject(), 3, "user-1", null, Instant.now())).await();
    runs.markPublished(List.of(run)).await();
    return run;
  }

  @Test
  void aRedeliveredEventIsWrittenAgainButAnnouncedOnce() throws InterruptedException {
    Run run = published();
    Run sentinel = published();
    List<JsonObject> announced = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(RunEventWriter.STATUS_ADDRESS, message -> announced.add(message.body())).completion().await();
    Context context = vertx.getOrCreateContext();
    RunEventWriter writer = new RunEventWriter(vertx, runs, 100, 0);
    Instant now = Instant.now();
    RunEvent completed = RunEvent.of(run.id(), 1, RunStatus.COMPLETED, now, new JsonObject().put("ok", true), null);

    write(context, writer, completed).await();
    write(context, writer, completed).await(); // Kafka redelivered it (a rebalance, a retry after a lost reply)
    write(context, writer, RunEvent.of(run.id(), 1, RunStatus.RUNNING, now, null, null)).await(); // late: changes nothing
    write(context, writer, RunEvent.of(sentinel.id(), 1, RunStatus.COMPLETED, now, null, null)).await();

    // One writer publishes in order: once the sentinel's notification is in, any duplicate would be too.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (announced.stream().noneMatch(n -> n.getString("runId").equals(sentinel.id())) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(announced.stream().filter(n -> n.getString("runId").equals(run.id())))
        .extracting(n -> n.getString("status"))
        .containsExactly("COMPLETED");
    assertThat(runs.findById(run.id()).await().orElseThrow().status()).isEqualTo(RunStatus.COMPLETED);
  }

  private static Future<Void> write(Context context, RunEventWriter writer, RunEvent event) {
    Promise<Void> written = Promise.promise();
    context.runOnContext(v -> writer.write(event).onComplete(written));
    return written.future();
  }
}
