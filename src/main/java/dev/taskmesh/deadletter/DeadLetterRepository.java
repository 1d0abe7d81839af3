package dev.taskmesh.deadletter;

import dev.taskmesh.run.MongoDates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code dead_letters} collection. Storing is idempotent by letter id (a redelivered letter is kept once). */
public final class DeadLetterRepository {

  public static final String COLLECTION = "dead_letters";

  private final MongoClient mongo;

  public DeadLetterRepository(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> store(DeadLetter letter) {
    JsonObject update = new JsonObject().put("$setOnInsert", letter.toDocument().put("replays", 0));
    return mongo.updateCollectionWithOptions(COLLECTION, new JsonObject().put("_id", letter.id()), update,
        new UpdateOptions().setUpsert(true)).mapEmpty();
  }

  /** Newest first. */
  public Future<List<JsonObject>> page(int page, int size) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put("at", -1).put("_id", 1)).setSkip(page * size).setLimit(size);
    return mongo.findWithOptions(COLLECTION, new JsonObject(), options);
  }

  public Future<Long> count() {
    return mongo.count(COLLECTION, new JsonObject());
  }

  public Future<Optional<JsonObject>> find(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).map(Optional::ofNullable);
  }

  /** Letters never replayed, oldest first. */
  public Future<List<JsonObject>> unreplayed(int limit) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put("at", 1)).setLimit(limit);
    return mongo.findWithOptions(COLLECTION, new JsonObject().put("replays", 0), options);
  }

  public Future<Void> markReplayed(String id, Instant at) {
    return mongo.updateCollection(COLLECTION, new JsonObject().put("_id", id), new JsonObject()
        .put("$set", new JsonObject().put("replayedAt", MongoDates.toDocument(at)))
        .put("$inc", new JsonObject().put("replays", 1))).mapEmpty();
  }
}
