package dev.taskmesh.observability.shipping;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the log shipper. Every event handed to the shipper ends in exactly one of: shipped
 * (indexed, or already indexed by an earlier attempt), rejected (refused by the engine, e.g. a
 * mapping conflict), dropped (pushed out of the full queue, or left over when a stop's bounded wait
 * ran out), or still pending. So {@code accepted = shipped + rejected + dropped + pending}.
 */
public final class ShippingStats {

  final AtomicLong accepted = new AtomicLong();
  final AtomicLong shipped = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong failedRequests = new AtomicLong();
  final AtomicLong bulkRequests = new AtomicLong();

  public long accepted() {
    return accepted.get();
  }

  public long shipped() {
    return shipped.get();
  }

  public long rejected() {
    return rejected.get();
  }

  public long dropped() {
    return dropped.get();
  }

  /** Bulk requests that failed as a whole (engine down, timeout, 5xx); their documents are retried. */
  public long failedRequests() {
    return failedRequests.get();
  }

  public long bulkRequests() {
    return bulkRequests.get();
  }

  @Override
  public String toString() {
    return "accepted=" + accepted + " shipped=" + shipped + " rejected=" + rejected + " dropped=" + dropped
        + " failedRequests=" + failedRequests;
  }
}
