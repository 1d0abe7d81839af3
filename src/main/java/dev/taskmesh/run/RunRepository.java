package dev.taskmesh.run;

import dev.taskmesh.infra.BsonBulk;
import dev.taskmesh.infra.GroupCommit;
import dev.taskmesh.infra.MongoErrors;
import dev.taskmesh.infra.ReadsById;
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
  /** At most this many workers' pre-checks go to the store in one query. */
  private static final int MAX_STATE_BATCH = 500;

  private final MongoClient mongo;
  private final BsonBulk bulk;
  private final GroupCommit<JsonObject, Void> inserts;
  private final ReadsById<Run> reads;
  private final ReadsById<JsonObject> states;

  public RunRepository(MongoClient mongo) {
    this(mongo, null);
  }

  /** With {@code bulk}, the bulk writes of the pipeline (inserts, status writes, outbox markers) go through it ({@link BsonBulk}). */
  public RunRepository(MongoClient mongo, BsonBulk bulk) {
    this(mongo, bulk, ReadsById.Finder.of(mongo));
  }

  /** As {@link #RunRepository(MongoClient, BsonBulk)}; reads by id (a run, the worker's pre-check) go through {@code finder}. */
  public RunRepository(MongoClient mongo, BsonBulk bulk, ReadsById.Finder finder) {
    this.mongo = mongo;
    this.bulk = bulk;
    this.inserts = new GroupCommit<>(this::insertAll, doc -> mongo.insert(COLLECTION, doc).mapEmpty(), MAX_INSERT_BATCH);
    this.reads = new ReadsById<>(finder, COLLECTION, Run::fromDocument);
    this.states = new ReadsById<>(finder, COLLECTION, new JsonObject().put("status", 1).put("attempt", 1).put("final", 1), doc -> doc,
        MAX_STATE_BATCH);
  }

  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("outbox", 1).put("_id", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("taskId", 1).put("status", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("final", 1).put("updatedAt", 1), new IndexOptions()),
            // Lists filter by these and order by _id (RunQuery.storeOrder).
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("status", 1).put("_id", -1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("taskId", 1).put("_id", -1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("launchedBy", 1).put("_id", -1), new IndexOptions()))
        .mapEmpty();
  }

  public Future<List<Run>> find(RunQuery query) {
    FindOptions options = new FindOptions().setSort(query.storeOrder()).setSkip(query.skip()).setLimit(query.limit());
    return mongo.findWithOptions(COLLECTION, query.pageFilter(), options).map(docs -> docs.stream().map(Run::fromDocument).toList());
  }

  /**
   * How many runs match, with the {@code count} command (as {@link #countUnpublished}): on the
   * embedded store it goes through the query path and its in-memory indexes, where
   * {@code countDocuments}, an aggregation, scans every run.
   */
  public Future<Long> count(RunQuery query) {
    return countMatching(query.filter());
  }

  private Future<Long> countMatching(JsonObject filter) {
    JsonObject command = new JsonObject().put("count", COLLECTION).put("query", filter);
    return mongo.runCommand("count", command).map(reply -> reply.getNumber("n", 0).longValue());
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
    return write(docs.stream().map(BulkOperation::createInsert).toList(), false)
        .map(result -> MongoErrors.<Void>perItem(docs.size(), Map.of()))
        .recover(e -> MongoErrors.bulkWriteErrors(e)
            .map(refused -> Future.succeededFuture(MongoErrors.<Void>perItem(docs.size(), refused)))
            .orElseGet(() -> Future.failedFuture(e)));
  }

  /** Clients poll unfinished runs by id: concurrent reads share a round trip ({@link ReadsById}). */
  public Future<Optional<Run>> findById(String id) {
    return reads.find(id);
  }

  /** The stored document as is (status, seq, transitions...), for checks and tools. */
  public Future<Optional<JsonObject>> findDocument(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).map(Optional::ofNullable);
  }

  /**
   * Runs accepted but not yet published, oldest first: the outbox relay's backlog. Oldest by id,
   * which is time-ordered (as lists order by creation): an index on {@code (outbox, _id)}, and the
   * embedded store's scan in key order, stop at the limit. Sorted by {@code createdAt}, the embedded
   * store matched the whole backlog for every batch of a sweep after an outage.
   */
  public Future<List<Run>> findUnpublished(Instant acceptedBefore, int limit) {
    JsonObject query = new JsonObject()
        .put("outbox", true)
        .put("createdAt", new JsonObject().put("$lt", MongoDates.toDocument(acceptedBefore)));
    FindOptions options = new FindOptions().setSort(new JsonObject().put("_id", 1)).setLimit(limit);
    return mongo.findWithOptions(COLLECTION, query, options).map(docs -> docs.stream().map(Run::fromDocument).toList());
  }

  /**
   * The outbox backlog, with the {@code count} command: unlike {@code countDocuments} (an
   * aggregation that scans on the embedded store) it goes through the store's query path, where the
   * embedded store keeps the outbox flag indexed.
   */
  public Future<Long> countUnpublished() {
    return countMatching(new JsonObject().put("outbox", true));
  }

  /**
   * Clears the outbox markers of runs the broker acknowledged, in one round trip of at most a few
   * multi-document updates whatever the batch size: runs still QUEUED at their attempt move to
   * PENDING (one update per attempt number among them, usually one), and a run a worker already
   * moved further only loses its marker.
   */
  public Future<Void> markPublished(Collection<Run> published) {
    if (published.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    Map<Integer, List<String>> idsByAttempt = new java.util.TreeMap<>();
    published.forEach(run -> idsByAttempt.computeIfAbsent(run.attempt(), a -> new java.util.ArrayList<>()).add(run.id()));
    JsonObject anyMarked = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(published.stream().map(Run::id).toList())))
        .put("outbox", true);
    JsonObject unmark = new JsonObject().put("$set", new JsonObject().put("outbox", false));
    List<BulkOperation> operations = new java.util.ArrayList<>(idsByAttempt.size() + 1);
    idsByAttempt.forEach((attempt, ids) -> operations.add(
        BulkOperation.createUpdate(RunChanges.stillQueued(ids, attempt), RunChanges.pending(attempt, now)).setMulti(true)));
    operations.add(BulkOperation.createUpdate(anyMarked, unmark).setMulti(true));
    // Ordered: the last update must see the first ones.
    return write(operations, true).mapEmpty();
  }

  public Future<Void> markPublished(Run run) {
    return markPublished(List.of(run));
  }

  /**
   * Applies an event if it moves the run forward. Returns true when it changed the run; false for a
   * duplicate, a late event, an event for a run already in a terminal state, or an unknown run.
   */
  public Future<Boolean> apply(RunEvent event) {
    return applyAll(List.of(event)).map(modified -> modified > 0);
  }

  /** Applies events in one unordered bulk write; each update carries its own guard. Returns how many runs changed. */
  public Future<Long> applyAll(List<RunEvent> events) {
    return write(events.stream().map(e -> BulkOperation.createUpdate(RunChanges.guard(e), RunChanges.update(e))).toList(), false);
  }

  /**
   * One bulk write of the runs, through {@link BsonBulk} when there is one, else vertx-mongo-client;
   * how many runs it changed. The documents are read after this returns: they must not change.
   */
  private Future<Long> write(List<BulkOperation> operations, boolean ordered) {
    return bulk != null
        ? bulk.write(COLLECTION, operations, ordered).map(result -> (long) result.getModifiedCount())
        : mongo.bulkWriteWithOptions(COLLECTION, operations, new BulkWriteOptions().setOrdered(ordered))
            .map(MongoClientBulkWriteResult::getModifiedCount);
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

  /**
   * Status, attempt and final flag of a run, without its input and result (the worker's pre-check).
   * Pre-checks asked for while one is in flight share the next query ({@link ReadsById}).
   */
  public Future<Optional<JsonObject>> state(String id) {
    return states.find(id);
  }

  /** Which of these runs are CANCELLED in the store (the worker's periodic check of long runs). */
  public Future<List<String>> cancelledAmong(Collection<String> ids) {
    JsonObject query = new JsonObject()
        .put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(ids))))
        .put("status", RunStatus.CANCELLED.name());
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setFields(new JsonObject().put("_id", 1)))
        .map(docs -> docs.stream().map(doc -> doc.getString("_id")).toList());
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
          .put("$push", new JsonObject().put("transitions", RunChanges.transition(RunStatus.PENDING, attempt, now, "replayed")));
      return mongo.findOneAndUpdateWithOptions(COLLECTION, guard, update, new FindOptions(), new UpdateOptions().setReturningNewDocument(true))
          .map(doc -> Optional.ofNullable(doc).map(Run::fromDocument));
    });
  }
}
