package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.UpdateOptions;
import java.time.Duration;
import java.time.Instant;

/**
 * Revocations of a user's earlier tokens (password change, role change, deletion), shared by every
 * gateway process through the store: one document per user, {@code before} being the instant
 * before which that user's tokens no longer count. The process that revokes applies it at once;
 * the others {@link #pull} the recent ones every {@code auth.revocationSyncMs}, and a process that
 * starts pulls every revocation young enough to matter (a token issued before an older one has
 * expired anyway).
 */
public final class TokenRevocations {

  public static final String COLLECTION = "token_revocations";
  static final int SCHEMA_VERSION = 1;

  /** How far back each pull looks again: covers writes that land late and clocks that disagree. */
  static final Duration OVERLAP = Duration.ofMinutes(1);

  private final MongoClient mongo;
  private final TokenService tokens;
  private final Duration relevant;
  private Instant pulledAt;

  /** {@code relevant}: how old a revocation can be and still refuse an unexpired token (token lifetime plus clock skew). */
  public TokenRevocations(MongoClient mongo, TokenService tokens, Duration relevant) {
    this.mongo = mongo;
    this.tokens = tokens;
    this.relevant = relevant;
  }

  /** A revocation older than a token's lifetime plus the clock leeway can no longer refuse anything. */
  public static Duration relevantFor(AppConfig.Auth auth) {
    return Duration.ofMinutes(auth.tokenTtlMinutes()).plusSeconds(auth.clockSkewSeconds());
  }

  /** The index each pull reads by. */
  public Future<Void> createIndexes() {
    return mongo.createIndex(COLLECTION, new JsonObject().put("at", 1));
  }

  /** Tokens of this user issued before {@code beforeMillis} stop working here now, and in every process once stored. */
  public Future<Void> revoke(String userId, long beforeMillis) {
    tokens.revoke(userId, beforeMillis);
    JsonObject update = new JsonObject()
        .put("$max", new JsonObject().put("before", beforeMillis))
        .put("$set", new JsonObject().put("v", SCHEMA_VERSION).put("at", System.currentTimeMillis()));
    return mongo.updateCollectionWithOptions(COLLECTION, new JsonObject().put("_id", userId), update, new UpdateOptions().setUpsert(true))
        .mapEmpty();
  }

  /** Applies the revocations recorded since the last pull (the first pull: all still relevant); returns how many it read. */
  public Future<Integer> pull() {
    Instant now = Instant.now();
    Instant since = pulledAt == null ? now.minus(relevant).minus(OVERLAP) : pulledAt.minus(OVERLAP);
    JsonObject query = new JsonObject().put("at", new JsonObject().put("$gte", since.toEpochMilli()));
    return mongo.findWithOptions(COLLECTION, query, new FindOptions().setFields(new JsonObject().put("before", 1))).map(found -> {
      found.forEach(doc -> tokens.revoke(doc.getString("_id"), doc.getLong("before")));
      pulledAt = now;
      return found.size();
    });
  }
}
