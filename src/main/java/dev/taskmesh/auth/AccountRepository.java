package dev.taskmesh.auth;

import dev.taskmesh.run.MongoDates;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code users} collection (email unique, lower-case). */
public final class AccountRepository {

  public static final String COLLECTION = AdminBootstrap.USERS;

  private final MongoClient mongo;

  public AccountRepository(MongoClient mongo) {
    this.mongo = mongo;
  }

  public Future<Void> createIndexes() {
    return mongo.createIndexWithOptions(COLLECTION, new JsonObject().put("email", 1), new IndexOptions().unique(true));
  }

  public Future<Account> insert(Account account) {
    return mongo.insert(COLLECTION, account.toDocument()).map(id -> account);
  }

  public Future<Optional<Account>> findById(String id) {
    return mongo.findOne(COLLECTION, new JsonObject().put("_id", id), null).map(doc -> Optional.ofNullable(doc).map(Account::fromDocument));
  }

  public Future<Optional<Account>> findByEmail(String email) {
    return mongo.findOne(COLLECTION, new JsonObject().put("email", email), null).map(doc -> Optional.ofNullable(doc).map(Account::fromDocument));
  }

  public Future<List<Account>> list(JsonObject query, int skip, int limit) {
    FindOptions options = new FindOptions().setSort(new JsonObject().put("createdAt", 1).put("_id", 1)).setSkip(skip).setLimit(limit);
    return mongo.findWithOptions(COLLECTION, query, options).map(docs -> docs.stream().map(Account::fromDocument).toList());
  }

  public Future<Long> count(JsonObject query) {
    return mongo.count(COLLECTION, query);
  }

  /** Applies {@code set} (plus updatedAt); returns the account after the change, if it exists. */
  public Future<Optional<Account>> update(String id, JsonObject set, Instant now) {
    JsonObject update = new JsonObject().put("$set", set.copy().put("updatedAt", MongoDates.toDocument(now)));
    return mongo.findOneAndUpdateWithOptions(COLLECTION, new JsonObject().put("_id", id), update, new FindOptions(),
            new io.vertx.ext.mongo.UpdateOptions().setReturningNewDocument(true))
        .map(doc -> Optional.ofNullable(doc).map(Account::fromDocument));
  }

  /** Replaces the hash only if it is still {@code previous} (a concurrent password change wins). */
  public Future<Void> rehash(String id, String previous, String hash) {
    return mongo.updateCollection(COLLECTION, new JsonObject().put("_id", id).put("passwordHash", previous),
        new JsonObject().put("$set", new JsonObject().put("passwordHash", hash))).mapEmpty();
  }

  public Future<Boolean> delete(String id) {
    return mongo.removeDocument(COLLECTION, new JsonObject().put("_id", id)).map(r -> r != null && r.getRemovedCount() > 0);
  }
}
