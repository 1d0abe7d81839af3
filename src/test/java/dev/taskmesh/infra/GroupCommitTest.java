package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

  private Vertx vertx;
  private Context context;
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();
  private final List<String> singles = new CopyOnWriteArrayList<>();
  /** The store's round trip: completed by the test, so it decides what arrives while one is in flight. */
  private final List<Promise<Void>> inFlight = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private GroupCommit<String, String> commit(Function<List<String>, List<AsyncResult<String>>> outcomes) {
    return new GroupCommit<>(items -> {
      batches.add(List.copyOf(items));
      Promise<Void> roundTrip = Promise.promise();
      inFlight.add(roundTrip);
      return roundTrip.future().map(v -> outcomes.apply(items));
    }, item -> {
      singles.add(item);
      Promise<Void> roundTrip = Promise.promise();
      inFlight.add(roundTrip);
      return roundTrip.future().map(v -> "stored " + item);
    }, 3);
  }

  private <T> T onContext(java.util.concurrent.Callable<T> action) throws Exception {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.fail(e);
      }
    });
    return result.future().await();
  }

  private void finishRoundTrip(int index) throws Exception {
    onContext(() -> inFlight.get(index).tryComplete());
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    for (int i = 0; i < 200 && list.size() < size; i++) {
      Thread.sleep(10);
    }
    assertThat(list).hasSize(size);
  }

  @Test
  void aLoneRequestGoesAtOnceAndWhatArrivesMeanwhileGoesTogetherInTheNextRoundTrip() throws Exception {
    GroupCommit<String, String> commit = commit(items -> items.stream().map(i -> (AsyncResult<String>) Future.succeededFuture("bulk " + i)).toList());
    Future<String> first = onContext(() -> commit.submit("a"));
    awaitSize(inFlight, 1);
    assertThat(singles).containsExactly("a");
    List<Future<String>> later = onContext(() -> List.of(commit.submit("b"), commit.submit("c")));
    List<Future<String>> more = onContext(() -> List.of(commit.submit("d"), commit.submit("e")));
    assertThat(inFlight).hasSize(1); // nothing else is sent while the first round trip is out
    finishRoundTrip(0);
    assertThat(first.await()).isEqualTo("stored a");
    awaitSize(inFlight, 2);
    assertThat(batches).containsExactly(List.of("b", "c", "d")); // at most 3 a batch
    finishRoundTrip(1);
    awaitSize(inFlight, 3);
    assertThat(singles).containsExactly("a", "e");
    finishRoundTrip(2);
    assertThat(later.get(0).await()).isEqualTo("bulk b");
    assertThat(more.get(1).await()).isEqualTo("stored e");
  }

  @Test
  void eachCallerGetsItsOwnOutcomeAndAFailedRoundTripFailsEveryCallerInIt() throws Exception {
    List<Boolean> failWhole = new ArrayList<>(List.of(false));
    GroupCommit<String, String> commit = commit(items -> {
      if (failWhole.get(0)) {
        throw new IllegalStateException("store unreachable");
      }
      return items.stream().map(i -> i.startsWith("dup")
          ? (AsyncResult<String>) Future.<String>failedFuture("E11000 duplicate key " + i)
          : Future.succeededFuture("bulk " + i)).toList();
    });
    onContext(() -> commit.submit("warm"));
    awaitSize(inFlight, 1);
    List<Future<String>> mixed = onContext(() -> List.of(commit.submit("x"), commit.submit("dup-1"), commit.submit("y")));
    finishRoundTrip(0);
    awaitSize(inFlight, 2);
    finishRoundTrip(1);
    assertThat(mixed.get(0).await()).isEqualTo("bulk x");
    assertThat(mixed.get(2).await()).isEqualTo("bulk y");
    assertThat(mixed.get(1).transform(r -> Future.succeededFuture(r.cause().getMessage())).await()).contains("duplicate key dup-1");

    failWhole.set(0, true);
    onContext(() -> commit.submit("warm-2"));
    awaitSize(inFlight, 3);
    List<Future<String>> lost = onContext(() -> List.of(commit.submit("p"), commit.submit("q")));
    finishRoundTrip(2);
    awaitSize(inFlight, 4);
    finishRoundTrip(3);
    for (Future<String> each : lost) {
      assertThat(each.transform(r -> Future.succeededFuture(r.failed())).await()).isTrue();
    }
  }

  @Test
  void aCallFromAnotherThreadIsSentAloneAtOnce() throws Exception {
    GroupCommit<String, String> commit = commit(items -> List.of());
    onContext(() -> commit.submit("owner"));
    awaitSize(inFlight, 1);
    commit.submit("from the test thread");
    awaitSize(inFlight, 2);
    assertThat(singles).containsExactly("owner", "from the test thread");
    assertThat(batches).isEmpty();
  }

  /**
   * HTTP requests and consumed records each run on a duplicated context of their verticle's event
   * loop: they must batch together, and each caller must continue on its own context.
   */
  @Test
  void requestsOnDuplicatedContextsOfOneEventLoopGoTogetherAndEachContinuesOnItsOwnContext() throws Exception {
    GroupCommit<String, String> commit = commit(items -> items.stream().map(i -> (AsyncResult<String>) Future.succeededFuture("bulk " + i)).toList());
    io.vertx.core.internal.ContextInternal base = (io.vertx.core.internal.ContextInternal) context;
    List<io.vertx.core.internal.ContextInternal> requests = List.of(base.duplicate(), base.duplicate(), base.duplicate());
    List<Context> continuedOn = new CopyOnWriteArrayList<>();
    Promise<List<Future<String>>> submitted = Promise.promise();
    context.runOnContext(v -> {
      List<Future<String>> futures = new ArrayList<>();
      for (io.vertx.core.internal.ContextInternal request : requests) {
        request.dispatch(x -> futures.add(commit.submit("from " + requests.indexOf(request))
            .onComplete(done -> continuedOn.add(Vertx.currentContext()))));
      }
      submitted.complete(futures);
    });
    List<Future<String>> futures = submitted.future().await();
    awaitSize(inFlight, 1);
    assertThat(singles).isEmpty();
    assertThat(batches).as("one event-loop turn, one round trip").containsExactly(List.of("from 0", "from 1", "from 2"));
    finishRoundTrip(0);
    assertThat(futures.get(2).await()).isEqualTo("bulk from 2");
    awaitSize(continuedOn, 3);
    assertThat(continuedOn).containsExactlyInAnyOrderElementsOf(requests);
  }
}
