package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aTickWhileTheLastRunIsStillGoingIsSkipped() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicReference<Promise<Void>> current = new AtomicReference<>();
    PeriodicTask task = PeriodicTask.start(vertx, 0, 5, "test task", () -> {
      started.incrementAndGet();
      Promise<Void> run = Promise.promise();
      current.set(run);
      return run.future();
    });
    waitFor(() -> started.get() == 1);
    Thread.sleep(100); // about 20 ticks while the first run has not finished
    assertThat(started.get()).isEqualTo(1);
    vertx.runOnContext(v -> current.get().complete());
    waitFor(() -> started.get() >= 2);
    task.cancel();
  }

  @Test
  void aFailedOrThrowingRunDoesNotStopTheNextOnesAndCancelDoes() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    PeriodicTask task = PeriodicTask.start(vertx, 0, 5, "test task", () -> {
      if (runs.incrementAndGet() % 2 == 0) {
        throw new IllegalStateException("thrown");
      }
      return Future.failedFuture("failed");
    });
    waitFor(() -> runs.get() >= 4);
    task.cancel();
    Thread.sleep(30);
    int afterCancel = runs.get();
    Thread.sleep(100);
    assertThat(runs.get()).isEqualTo(afterCancel);
  }
}
