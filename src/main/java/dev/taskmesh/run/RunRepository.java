package dev.taskmesh.run;

import dev.taskmesh.infra.GroupCommit;
import dev.taskmesh.infra.MongoErrors;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkWriteOptions;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.MongoClientBulkWriteResult;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code runs} collection. Every status write is guarded by the lifecycle sequence and the
 * {@code final} flag, so it is idempotent: a duplicate, late or older-attempt event changes nothing,
 * and a run reaches at most one terminal state.
 */
public final class RunRepository {

  public static final String COLLECTION = "runs";

  /** At most this many launches go to the store in one bulk insert. */
  static final int MAX_INSERT_BATCH = 500;

  private final MongoClient mongo;
  private final GroupCommit<JsonObject, Void> inserts;

  public RunRepository(MongoClient mongo) {
    this.mongo = mongo;
    this.inserts = new GroupCommit<>(this::insertAll, doc -> mongo.insert(COLLECTION, doc).mapEmpty(), MAX_INSERT_BATCH);
  }

  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("outbox", 1).put("createdAt", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("taskId", 1).put("status", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("final", 1).put("updatedAt", 1), new IndexOptions()),
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

  /** Stores a new run. Concurrent launches on one event loop share one bulk insert (group commit). */
  public Future<Run> insert(Run run) {
    return inserts.submit(run.toDocument()).map(v -> run);
  }

  /**
   * One unordered bulk insert. Its result lists the items the store refused (a duplicate id); every
   * other item of the batch was stored.
   */
  private Future<List<AsyncResult<Void>>> insertAll(List<JsonObject> docs) {
    List<BulkOperation> operations = docs.stream().map(BulkOperation::createInsert).toList();
    return mongo.bulkWriteWithOptions(COLLECTION, operations, new BulkWriteOptions().setOrdered(false))
        .map(result -> MongoErrors.<Void>perItem(docs.size(), Map.of()))
        .recover(e -> MongoErrors.bulkWriteErrors(e)
            .map(refused -> Future.succeededFuture(MongoErrors.<Void>perItem(docs.size(), refused)))
            .orElseGet(() -> Future.failedFuture(e)));
  }

  public Future<Optional<Run>> findById(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null)
        .map(doc -> Optional.ofNullable(doc).map(Run::fromDocument));
  }

  /** The stored document as is (status, seq, transitions...), for checks and tools. */
  public Future<Optional<JsonObject>> findDocument(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).map(Optional::ofNullable);
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
   * Clears the outbox markers of runs the broker acknowledged, in one round trip: each run moves
   * to PENDING unless a worker already moved it further (then only its marker is cleared).
   */
  public Future<Void> markPublished(Collection<Run> published) {
    if (published.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    List<BulkOperation> operations = new java.util.ArrayList<>(published.size() * 2);
    for (Run run : published) {
      JsonObject stillQueued = new JsonObject().put("_id", run.id()).put("seq", RunStatus.QUEUED.sequence(run.attempt()));
      operations.add(BulkOperation.createUpdate(stillQueued, new JsonObject()
          .put("$set", new JsonObject()
              .put("status", RunStatus.PENDING.name())
              .put("seq", RunStatus.PENDING.sequence(run.attempt()))
              .put("outbox", false)
              .put("updatedAt", MongoDates.toDocument(now)))
          .put("$push", new JsonObject().put("transitions", transition(RunStatus.PENDING, run.attempt(), now, null)))));
      operations.add(BulkOperation.createUpdate(new JsonObject().put("_id", run.id()).put("outbox", true),
          new JsonObject().put("$set", new JsonObject().put("outbox", false))));
    }
    // Ordered: the second update of a run must see the first.
    return mongo.bulkWriteWithOptions(COLLECTION, operations, new BulkWriteOptions().setOrdered(true)).mapEmpty();
  }

  public Future<Void> markPublished(Run run) {
    return markPublished(List.of(run));
  }

  /**
   * Applies an event if it moves the run forward. Returns true when it changed the run; false for a
   * duplicate, a late event, an event for a run already in a terminal state, or an unknown run.
   */
  public Future<Boolean> apply(RunEvent event) {
    return applyAll(List.of(event)).map(result -> result.getModifiedCount() > 0);
  }

  /** Applies events in one unordered bulk write; each update carries its own guard. */
  public Future<MongoClientBulkWriteResult> applyAll(List<RunEvent> events) {
    List<BulkOperation> operations = events.stream().map(e -> BulkOperation.createUpdate(guard(e), update(e))).toList();
    return mongo.bulkWriteWithOptions(COLLECTION, operations, new BulkWriteOptions().setOrdered(false));
  }

  /** The stored sequence of each of these runs (absent: unknown run). */
  public Future<Map<String, Long>> sequences(Collection<String> ids) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))));
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setFields(new JsonObject().put("seq", 1)))
        .map(docs -> {
          Map<String, Long> seqs = new HashMap<>();
          docs.forEach(doc -> seqs.put(doc.getString("_id"), doc.getLong("seq", -1L)));
          return seqs;
        });
  }

  /** Status, attempt and final flag of a run, without its input and result (the worker's pre-check). */
  public Future<Optional<JsonObject>> state(String id) {
    JsonObject fields = new JsonObject().put("status", 1).put("attempt", 1).put("final", 1);
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), fields).map(Optional::ofNullable);
  }

  /** {@link #state} of many runs in one round trip, by run id (absent: unknown run). */
  public Future<Map<String, JsonObject>> states(Collection<String> ids) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))));
    JsonObject fields = new JsonObject().put("status", 1).put("attempt", 1).put("final", 1);
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setFields(fields)).map(docs -> {
      Map<String, JsonObject> byId = new HashMap<>();
      docs.forEach(doc -> byId.put(doc.getString("_id"), doc));
      return byId;
    });
  }

  /** Which of these runs are CANCELLED in the store (the worker's periodic check of long runs). */
  public Future<List<String>> cancelledAmong(Collection<String> ids) {
    JsonObject query = new JsonObject()
        .put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))))
        .put("status", RunStatus.CANCELLED.name());
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setFields(new JsonObject().put("_id", 1)))
        .map(docs -> docs.stream().map(doc -> doc.getString("_id")).toList());
  }

  /**
   * Cancels a run that is not terminal yet (guarded: a run that completed meanwhile stays
   * COMPLETED). Returns the run as stored afterwards; empty when the run does not exist.
   */
  public Future<Optional<Run>> cancel(String id, String reason) {
    return findById(id).compose(found -> {
      if (found.isEmpty() || found.get().status().terminal()) {
        return Future.succeededFuture(found);
      }
      Run run = found.get();
      Instant now = Instant.now();
      JsonObject guard = new JsonObject().put("_id", id).put("final", false).put("attempt", run.attempt());
      JsonObject update = new JsonObject()
          .put("$set", new JsonObject()
              .put("status", RunStatus.CANCELLED.name())
              .put("seq", RunStatus.CANCELLED.sequence(run.attempt()))
              .put("final", true)
              .put("outbox", false)
              .put("error", reason)
              .put("finishedAt", MongoDates.toDocument(now))
              .put("updatedAt", MongoDates.toDocument(now)))
          .put("$push", new JsonObject().put("transitions", transition(RunStatus.CANCELLED, run.attempt(), now, reason)));
      return mongo.updateCollection(COLLECTION, guard, update).compose(result -> result.getDocModified() > 0
          ? findById(id)
          : cancel(id, reason)); // moved on meanwhile (next attempt or terminal): look again
    });
  }

  /** Non-terminal, published runs with no change since {@code before}: candidates for the stuck-run rule. */
  public Future<List<JsonObject>> findStuck(Instant before, int limit) {
    JsonObject query = new JsonObject()
        .put("final", false)
        .put("outbox", false)
        .put("updatedAt", new JsonObject().put("$lt", MongoDates.toDocument(before)));
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setLimit(limit).setSort(new JsonObject().put("updatedAt", 1)));
  }

  /** Records one recovery of a stuck run, only if nothing changed it since it was read. */
  public Future<Boolean> recordRecovery(JsonObject stuck, Instant now) {
    JsonObject guard = new JsonObject().put("_id", stuck.getString("_id")).put("final", false).put("seq", stuck.getLong("seq"))
        .put("recoveries", stuck.getInteger("recoveries", 0));
    JsonObject update = new JsonObject()
        .put("$set", new JsonObject().put("updatedAt", MongoDates.toDocument(now)))
        .put("$inc", new JsonObject().put("recoveries", 1));
    return mongo.updateCollection(COLLECTION, guard, update).map(result -> result.getDocModified() > 0);
  }

  /**
   * Reopens a DEAD run for a replay: a new attempt with a fresh attempt budget. Returns the
   * reopened run, or empty when the run is not DEAD (already replayed, or never dead).
   */
  public Future<Optional<Run>> reopen(String id, int extraAttempts) {
    return findById(id).compose(found -> {
      if (found.isEmpty() || found.get().status() != RunStatus.DEAD) {
        return Future.succeededFuture(Optional.<Run>empty());
      }
      Run dead = found.get();
      int attempt = dead.attempt() + 1;
      Instant now = Instant.now();
      JsonObject guard = new JsonObject().put("_id", id).put("status", RunStatus.DEAD.name()).put("attempt", dead.attempt());
      JsonObject update = new JsonObject()
          .put("$set", new JsonObject()
              .put("status", RunStatus.PENDING.name())
              .put("seq", RunStatus.PENDING.sequence(attempt))
              .put("final", false)
              .put("attempt", attempt)
              .put("maxAttempts", attempt - 1 + extraAttempts)
              .put("error", null)
              .put("finishedAt", null)
              .put("recoveries", 0)
              .put("updatedAt", MongoDates.toDocument(now)))
          .put("$push", new JsonObject().put("transitions", transition(RunStatus.PENDING, attempt, now, "replayed")));
      return mongo.findOneAndUpdateWithOptions(COLLECTION, guard, update, new FindOptions(), new UpdateOptions().setReturningNewDocument(true))
          .map(doc -> Optional.ofNullable(doc).map(Run::fromDocument));
    });
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
        .put("final", event.status().terminal())
        .put("updatedAt", MongoDates.toDocument(Instant.now()));
    if (event.status() == RunStatus.RUNNING) {
      set.put("startedAt", MongoDates.toDocument(event.at()));
    } else if (event.startedAt() != null) {
      set.put("startedAt", MongoDates.toDocument(event.startedAt()));
    }
    if (event.status() == RunStatus.FAILED) {
      set.put("error", event.error());
    }
    if (event.status().terminal()) {
      set.put("finishedAt", MongoDates.toDocument(event.at())).put("result", event.result()).put("error", event.error())
          .put("outbox", false);
    }
    return new JsonObject()
        .put("$set", set)
        .put("$push", new JsonObject().put("transitions", transition(event)));
  }

  /** An outcome carries its attempt's start: the RUNNING event may be folded into it or arrive later. */
  static JsonObject transition(RunEvent event) {
    JsonObject entry = transition(event.status(), event.attempt(), event.at(), event.error());
    if (event.status() != RunStatus.RUNNING && event.startedAt() != null) {
      entry.put("startedAt", MongoDates.toDocument(event.startedAt()));
    }
    return entry;
  }

  static JsonObject transition(RunStatus status, int attempt, Instant at, String note) {
    JsonObject entry = new JsonObject().put("status", status.name()).put("attempt", attempt).put("at", MongoDates.toDocument(at));
    if (note != null) {
      entry.put("note", note);
    }
    return entry;
  }
}
