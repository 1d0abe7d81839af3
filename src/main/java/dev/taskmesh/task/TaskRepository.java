package dev.taskmesh.task;

import dev.taskmesh.infra.ReadsById;
import dev.taskmesh.run.MongoDates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code tasks} collection. */
public final class TaskRepository {

  public static final String COLLECTION = "tasks";

  private final MongoClient mongo;
  private final ReadsById<Task> reads;

  public TaskRepository(MongoClient mongo) {
    this(mongo, ReadsById.Finder.of(mongo));
  }

  /** Reads by id (a launch reads its task) go through {@code finder}. */
  public TaskRepository(MongoClient mongo, ReadsById.Finder finder) {
    this.mongo = mongo;
    this.reads = new ReadsById<>(finder, COLLECTION, Task::fromDocument);
  }

  public Future<Void> createIndexes() {
    return Future.all(
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("owner", 1).put("priorityRank", 1), new IndexOptions()),
            mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("owner", 1).put("createdAt", -1), new IndexOptions()))
        .mapEmpty();
  }

  public Future<Task> insert(Task task) {
    return mongo.insert(COLLECTION, task.toDocument()).map(id -> task);
  }

  /** Every launch reads its task: concurrent reads share a round trip ({@link ReadsById}). */
  public Future<Optional<Task>> findById(String id) {
    return reads.find(id);
  }

  public Future<List<Task>> find(JsonObject query, JsonObject sort, int skip, int limit) {
    FindOptions options = new FindOptions().setSort(sort).setSkip(skip).setLimit(limit);
    return mongo.findWithOptions(COLLECTION, query, options).map(docs -> docs.stream().map(Task::fromDocument).toList());
  }

  public Future<Long> count(JsonObject query) {
    return mongo.count(COLLECTION, query);
  }

  /** Replaces the changeable fields of a task; empty if it vanished meanwhile. */
  public Future<Optional<Task>> update(Task changed, Instant now) {
    JsonObject set = new JsonObject()
        .put("title", changed.title())
        .put("description", changed.description())
        .put("type", changed.type())
        .put("input", changed.input())
        .put("priority", changed.priority().label())
        .put("priorityRank", changed.priority().rank())
        .put("updatedAt", MongoDates.toDocument(now));
    return mongo.findOneAndUpdateWithOptions(COLLECTION, new JsonObject().put("_id", changed.id()), new JsonObject().put("$set", set),
            new FindOptions(), new UpdateOptions().setReturningNewDocument(true))
        .map(doc -> Optional.ofNullable(doc).map(Task::fromDocument));
  }

  public Future<Boolean> delete(String id) {
    return mongo.removeDocument(COLLECTION, new JsonObject().put("_id", id)).map(r -> r != null && r.getRemovedCount() > 0);
  }
}
