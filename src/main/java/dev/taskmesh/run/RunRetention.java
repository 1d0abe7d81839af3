package dev.taskmesh.run;

import dev.taskmesh.infra.TimeOrderedIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientDeleteResult;
import java.time.Duration;
import java.time.Instant;

/**
 * The retention policy: a run that ended COMPLETED or CANCELLED is deleted once it has not changed
 * for the retention period, and an {@code Idempotency-Key} record once it is past twice its window
 * (MongoDB expires those by itself; the embedded store ignores TTL indexes). DEAD runs are kept:
 * they wait for an operator to replay their dead letters.
 *
 * <p>Without it the embedded store keeps every run, and its in-memory indexes grow by ~100 bytes per
 * run (docs/benchmarks.md): a heap sized for a week of runs is not sized for a year.
 *
 * <p>A sweep deletes in batches of {@link #BATCH}, one batch at a time, so it never holds the
 * store for long. Each batch is found by a range of ids below the cutoff: ids are time-ordered,
 * and a run that last changed before the cutoff was made before it. The embedded store reads only
 * that range of its keys; MongoDB answers from its {@code _id} or {@code {final, updatedAt}} index.
 */
public final class RunRetention {

  static final int BATCH = 1_000;
  private static final JsonArray EXPIRING = new JsonArray().add(RunStatus.COMPLETED.name()).add(RunStatus.CANCELLED.name());

  /** What one sweep deleted. */
  public record Swept(long runs, long idempotencyKeys) {}

  private final MongoClient mongo;
  private final Duration keep;

  public RunRetention(MongoClient mongo, Duration keep) {
    if (keep.isNegative() || keep.isZero()) {
      throw new IllegalArgumentException("the retention period must be positive, was " + keep);
    }
    this.mongo = mongo;
    this.keep = keep;
  }

  /** Deletes what the policy no longer keeps at {@code now}. */
  public Future<Swept> sweep(Instant now) {
    Instant cutoff = now.minus(keep);
    return deleteRuns(expired(cutoff), 0L)
        .compose(runs -> deleteIdempotencyKeys(now).map(keys -> new Swept(runs, keys)));
  }

  private static JsonObject expired(Instant cutoff) {
    return new JsonObject()
        .put("_id", new JsonObject().put("$lt", TimeOrderedIds.floor(cutoff)))
        .put("final", true)
        .put("status", new JsonObject().put("$in", EXPIRING))
        .put("updatedAt", new JsonObject().put("$lt", MongoDates.toDocument(cutoff)));
  }

  private Future<Long> deleteRuns(JsonObject expired, long deletedSoFar) {
    FindOptions batch = new FindOptions().setFields(new JsonObject().put("_id", 1)).setLimit(BATCH);
    return mongo.findWithOptions(RunRepository.COLLECTION, expired, batch).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(deletedSoFar);
      }
      JsonArray ids = new JsonArray(found.stream().map(doc -> doc.getValue("_id")).toList());
      // The ids are deleted under the same conditions they were found by, so a run that changed in between stays.
      JsonObject these = expired.copy().put("_id", new JsonObject().put("$in", ids));
      return mongo.removeDocuments(RunRepository.COLLECTION, these).compose(deleted -> {
        long total = deletedSoFar + removed(deleted);
        return found.size() < BATCH ? Future.succeededFuture(total) : deleteRuns(expired, total);
      });
    });
  }

  private Future<Long> deleteIdempotencyKeys(Instant now) {
    Instant before = now.minus(IdempotencyKeys.WINDOW.multipliedBy(2));
    JsonObject expired = new JsonObject().put("createdAt", new JsonObject().put("$lt", MongoDates.toDocument(before)));
    return mongo.removeDocuments(IdempotencyKeys.COLLECTION, expired).map(RunRetention::removed);
  }

  private static long removed(MongoClientDeleteResult result) {
    return result == null ? 0 : result.getRemovedCount();
  }
}
