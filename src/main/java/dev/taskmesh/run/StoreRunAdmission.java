package dev.taskmesh.run;

import dev.taskmesh.infra.store.InsertAdmission;
import dev.taskmesh.observability.HeapGuard;
import java.util.Optional;

/**
 * The embedded store's own admission control on memory: new runs are refused while collections
 * leave its process's heap above {@code mongo.embeddedHeapCeilingPercent}. The gateway's guard
 * (api.launchHeapCeilingPercent) sees only the heap of its own process; with the store in an
 * infra-only process, this is what keeps that process from filling until H2 closes the store.
 * Other collections (users, tasks, idempotency keys, dead letters) are small and take inserts.
 */
public final class StoreRunAdmission implements InsertAdmission, AutoCloseable {

  private final HeapGuard heap;

  StoreRunAdmission(HeapGuard heap) {
    this.heap = heap;
  }

  /** Fed by this JVM's collections; {@code ceilingPercent} 0 takes every run. */
  public static StoreRunAdmission start(int ceilingPercent) {
    return new StoreRunAdmission(HeapGuard.start(ceilingPercent, "mongo.embeddedHeapCeilingPercent"));
  }

  @Override
  public Optional<String> refusal(String collection) {
    if (!RunRepository.COLLECTION.equals(collection) || heap.admits()) {
      return Optional.empty();
    }
    heap.refused();
    return Optional.of(heap.refusal("The embedded store's process"));
  }

  @Override
  public void close() {
    heap.close();
  }
}
