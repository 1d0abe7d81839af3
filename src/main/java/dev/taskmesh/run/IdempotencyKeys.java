package dev.taskmesh.run;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * {@code Idempotency-Key} records: (caller, key) -> the run it created, for 24 hours. The record is
 * claimed with an insert on a unique {@code _id} before the run is created, so two concurrent
 * requests with one key make one run. A record older than the window is taken over by the next
 * request with that key.
 */
public final class IdempotencyKeys {

  public static final String COLLECTION = "idempotency";
  public static final Duration WINDOW = Duration.ofHours(24);

  /** The outcome of claiming a key: a fresh claim for {@code runId}, or an earlier claim by the same caller. */
  public record Claim(String runId, String taskId, boolean fresh) {}

  private final MongoClient mongo;

  public IdempotencyKeys(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    // Expiry for real MongoDB; the embedded store ignores TTL, and the window check below holds anyway.
    return mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("createdAt", 1),
        new IndexOptions().expireAfter(WINDOW.toSeconds() * 2, TimeUnit.SECONDS)).recover(e -> Future.succeededFuture());
  }

  public Future<Claim> claim(String caller, String key, String taskId, String runId, Instant now) {
    String id = caller + "\u001f" + key;
    JsonObject record = new JsonObject().put("_id", id).put("runId", runId).put("taskId", taskId).put("createdAt", MongoDates.toDocument(now));
    return mongo.insert(COLLECTION, record).map(v -> new Claim(runId, taskId, true)).recover(e -> {
      if (!dev.taskmesh.infra.MongoErrors.duplicateKey(e)) {
        return Future.failedFuture(e);
      }
      return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).compose(existing -> {
        if (existing == null) {
          return claim(caller, key, taskId, runId, now);
        }
        Instant created = MongoDates.fromDocument(existing.getValue("createdAt"));
        if (created != null && created.isBefore(now.minus(WINDOW))) {
          JsonObject stale = new JsonObject().put("_id", id).put("createdAt", existing.getValue("createdAt"));
          return mongo.updateCollection(COLLECTION, stale, new JsonObject().put("$set", record.copy().put("_id", id)))
              .compose(r -> r.getDocModified() > 0 ? Future.succeededFuture(new Claim(runId, taskId, true)) : claim(caller, key, taskId, runId, now));
        }
        return Future.succeededFuture(new Claim(existing.getString("runId"), existing.getString("taskId"), false));
      });
    });
  }
}
