package dev.taskmesh.infra;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit on one event loop: requests made while a store round trip is in flight go together
 * in the next one. When idle, a request is sent at once (no added latency); under load, a batch is
 * as big as what arrived during one round trip, so the store sees one operation instead of hundreds.
 * Reads by id batch the same way: each batch is sent after all its requests arrived, so a read
 * never answers with a state older than one its caller could have read alone.
 *
 * <p>The batch operation reports one outcome per item (one duplicate key must not fail its
 * neighbours); a batch that fails as a whole fails each of its callers, exactly as a single write
 * that failed would. Nothing is retried here: a write whose fate is unknown is the caller's to
 * resolve, as it always was. Used from the event loop that first calls it; a call from any other
 * thread goes straight to the single-item operation.
 *
 * <p>Vert.x runs each HTTP request and each consumed record on its own <em>duplicated</em> context
 * (a copy carrying that request's local data, on the same event loop), so "the same context" means
 * the same base context here: comparing the contexts themselves would see every request as a
 * stranger and batch nothing. Each caller's future completes on the caller's own context, so what
 * it does next still runs with its request's data (request id, trace).
 *
 * @param <I> what a caller submits
 * @param <O> what it gets back
 */
public final class GroupCommit<I, O> {

  private record Pending<I, O>(I item, Promise<O> promise) {}

  private final Function<List<I>, Future<List<AsyncResult<O>>>> batch;
  private final Function<I, Future<O>> single;
  private final int maxBatch;
  private ContextInternal owner;
  private List<Pending<I, O>> queued = new ArrayList<>();
  private boolean inFlight;

  /**
   * @param batch answers a list of items in one round trip, with one outcome per item, in order
   * @param single answers one item (a batch of one, or a call from another context)
   */
  public GroupCommit(Function<List<I>, Future<List<AsyncResult<O>>>> batch, Function<I, Future<O>> single, int maxBatch) {
    this.batch = batch;
    this.single = single;
    this.maxBatch = maxBatch;
  }

  /**
   * The outcomes of a batch of reads by key, in the order asked (a key asked twice gets its answer
   * twice): what the store found for each, or empty.
   */
  public static <K, V> List<AsyncResult<java.util.Optional<V>>> answers(List<K> asked, java.util.Map<K, V> found) {
    return asked.stream().<AsyncResult<java.util.Optional<V>>>map(key -> Future.succeededFuture(java.util.Optional.ofNullable(found.get(key)))).toList();
  }

  public Future<O> submit(I item) {
    ContextInternal current = (ContextInternal) Vertx.currentContext();
    ContextInternal base = current == null ? null : current.unwrap();
    if (owner == null && base != null && base.isEventLoopContext()) {
      owner = base;
    }
    if (base == null || base != owner) {
      return single.apply(item);
    }
    Promise<O> promise = current.promise();
    queued.add(new Pending<>(item, promise));
    if (!inFlight) {
      // After the current event-loop turn, so that requests handled in the same turn go together.
      inFlight = true;
      owner.runOnContext(v -> flush());
    }
    return promise.future();
  }

  private void flush() {
    if (queued.isEmpty()) {
      inFlight = false;
      return;
    }
    List<Pending<I, O>> taken;
    if (queued.size() <= maxBatch) {
      taken = queued;
      queued = new ArrayList<>();
    } else {
      taken = new ArrayList<>(queued.subList(0, maxBatch));
      queued = new ArrayList<>(queued.subList(maxBatch, queued.size()));
    }
    Future<?> written = taken.size() == 1 ? one(taken.get(0)) : many(taken);
    written.onComplete(done -> flush());
  }

  private Future<O> one(Pending<I, O> pending) {
    return single.apply(pending.item()).onComplete(pending.promise());
  }

  private Future<?> many(List<Pending<I, O>> taken) {
    List<I> items = taken.stream().map(Pending::item).toList();
    return batch.apply(items).onComplete(result -> {
      for (int i = 0; i < taken.size(); i++) {
        Promise<O> promise = taken.get(i).promise();
        if (result.failed()) {
          promise.fail(result.cause());
        } else if (i < result.result().size()) {
          promise.handle(result.result().get(i));
        } else {
          promise.fail(new IllegalStateException("the batch answered " + result.result().size() + " of " + taken.size() + " items"));
        }
      }
    });
  }
}
