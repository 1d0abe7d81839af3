package dev.taskmesh.run;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientUpdateResult;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code runs} collection. Every status write is guarded by the lifecycle sequence, so it is idempotent. */
public final class RunRepository {

  public static final String COLLECTION = "runs";

  private final MongoClient mongo;

  public RunRepository(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("outbox", 1).put("createdAt", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("taskId", 1).put("status", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("launchedBy", 1).put("createdAt", -1), new IndexOptions()))
        .mapEmpty();
  }

  /** Filters of a run list; null = any. */
  public record Query(String status, String taskId, String launchedBy, Instant from, Instant to, String sort, boolean ascending, int skip, int limit) {}

  private static final java.util.Map<String, String> SORT_FIELDS = java.util.Map.of(
      "created", "createdAt", "started", "startedAt", "finished", "finishedAt", "status", "seq");

  public Future<List<Run>> find(Query query) {
    int direction = query.ascending() ? 1 : -1;
    JsonObject sort = new JsonObject().put(SORT_FIELDS.getOrDefault(query.sort(), "createdAt"), direction).put("_id", direction);
    FindOptions options = new FindOptions().setSort(sort).setSkip(query.skip()).setLimit(query.limit());
    return mongo.findWithOptions(COLLECTION, filter(query), options).map(docs -> docs.stream().map(Run::fromDocument).toList());
  }

  public Future<Long> count(Query query) {
    return mongo.count(COLLECTION, filter(query));
  }

  static JsonObject filter(Query query) {
    JsonObject filter = new JsonObject();
    if (query.status() != null) {
      filter.put("status", query.status());
    }
    if (query.taskId() != null) {
      filter.put("taskId", query.taskId());
    }
    if (query.launchedBy() != null) {
      filter.put("launchedBy", query.launchedBy());
    }
    if (query.from() != null || query.to() != null) {
      JsonObject range = new JsonObject();
      if (query.from() != null) {
        range.put("$gte", MongoDates.toDocument(query.from()));
      }
      if (query.to() != null) {
        range.put("$lt", MongoDates.toDocument(query.to()));
      }
      filter.put("createdAt", range);
    }
    return filter;
  }

  /** Who launched a run (for filtering live events); empty for an unknown run. */
  public Future<Optional<String>> findLauncher(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), new JsonObject().put("launchedBy", 1))
        .map(doc -> Optional.ofNullable(doc).map(d -> d.getString("launchedBy")));
  }

  /**
   * A DEAD run gets one more attempt: QUEUED again at attempt + 1 with its outbox marker set, so the
   * relay publishes it. Guarded on the status, so two concurrent retries make one new attempt.
   * Returns the run as updated, or empty when it was not DEAD (anymore).
   */
  public Future<Optional<Run>> requeueDead(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id).put("status", RunStatus.DEAD.name()), null).compose(doc -> {
      if (doc == null) {
        return Future.succeededFuture(Optional.<Run>empty());
      }
      Run dead = Run.fromDocument(doc);
      int attempt = dead.attempt() + 1;
      JsonObject guard = new JsonObject().put("_id", id).put("status", RunStatus.DEAD.name()).put("attempt", dead.attempt());
      JsonObject set = new JsonObject()
          .put("status", RunStatus.QUEUED.name())
          .put("seq", RunStatus.QUEUED.sequence(attempt))
          .put("attempt", attempt)
          .put("maxAttempts", Math.max(dead.maxAttempts(), attempt))
          .put("final", false)
          .put("outbox", true)
          .put("result", null)
          .put("error", null)
          .put("startedAt", null)
          .put("finishedAt", null);
      return mongo.findOneAndUpdateWithOptions(COLLECTION, guard, new JsonObject().put("$set", set), new FindOptions(),
              new io.vertx.ext.mongo.UpdateOptions().setReturningNewDocument(true))
          .map(updated -> Optional.ofNullable(updated).map(Run::fromDocument));
    });
  }

  public Future<Run> insert(Run run) {
    return mongo.insert(COLLECTION, run.toDocument()).map(id -> run);
  }

  public Future<Optional<Run>> findById(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null)
        .map(doc -> Optional.ofNullable(doc).map(Run::fromDocument));
  }

  /** Runs accepted but not yet published, oldest first: the outbox relay's backlog. */
  public Future<List<Run>> findUnpublished(Instant acceptedBefore, int limit) {
    JsonObject query = new JsonObject()
        .put("outbox", true)
        .put("createdAt", new JsonObject().put("$lt", MongoDates.toDocument(acceptedBefore)));
    FindOptions options = new FindOptions().setSort(new JsonObject().put("createdAt", 1)).setLimit(limit);
    return mongo.findWithOptions(COLLECTION, query, options).map(docs -> docs.stream().map(Run::fromDocument).toList());
  }

  public Future<Long> countUnpublished() {
    return mongo.count(COLLECTION, new JsonObject().put("outbox", true));
  }

  /**
   * Clears the outbox marker after the broker acknowledged the run, moving it to PENDING unless a
   * worker already moved it further (then only the marker is cleared).
   */
  public Future<Void> markPublished(Run run) {
    JsonObject stillQueued = new JsonObject().put("_id", run.id()).put("seq", RunStatus.QUEUED.sequence(run.attempt()));
    JsonObject toPending = new JsonObject().put("$set", new JsonObject()
        .put("status", RunStatus.PENDING.name())
        .put("seq", RunStatus.PENDING.sequence(run.attempt()))
        .put("outbox", false));
    return mongo.updateCollection(COLLECTION, stillQueued, toPending).compose(result -> result.getDocMatched() > 0
        ? Future.succeededFuture()
        : mongo.updateCollection(COLLECTION, new JsonObject().put("_id", run.id()),
            new JsonObject().put("$set", new JsonObject().put("outbox", false))).mapEmpty());
  }

  /**
   * Applies an event if it moves the run forward. Returns true when it changed the run; false for a
   * duplicate, a late event, an event for a run already in a terminal state, or an unknown run.
   */
  public Future<Boolean> apply(RunEvent event) {
    return mongo.updateCollection(COLLECTION, guard(event), update(event)).map(MongoClientUpdateResult::getDocModified).map(n -> n > 0);
  }

  static JsonObject guard(RunEvent event) {
    return new JsonObject()
        .put("_id", event.runId())
        .put("final", false)
        .put("seq", new JsonObject().put("$lt", event.status().sequence(event.attempt())));
  }

  static JsonObject update(RunEvent event) {
    JsonObject set = new JsonObject()
        .put("status", event.status().name())
        .put("seq", event.status().sequence(event.attempt()))
        .put("attempt", event.attempt())
        .put("final", event.status().terminal());
    if (event.status() == RunStatus.RUNNING) {
      set.put("startedAt", MongoDates.toDocument(event.at()));
    } else if (event.startedAt() != null) {
      set.put("startedAt", MongoDates.toDocument(event.startedAt()));
    }
    if (event.status().terminal()) {
      set.put("finishedAt", MongoDates.toDocument(event.at())).put("result", event.result()).put("error", event.error());
    }
    return new JsonObject().put("$set", set);
  }
}
