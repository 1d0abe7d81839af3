package dev.taskmesh.infra;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.connection.TransportSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.store.LocalStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import io.vertx.ext.mongo.BulkOperationType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Bulk writes whose documents go to the MongoDB driver as BSON. vertx-mongo-client 5.0.7 turns every
 * filter, update and document of a bulk write into JSON text and parses it back
 * ({@code MongoClientImpl.toBson}, dates through {@code DateTimeFormatter}): with batch launches, 9%
 * of all CPU samples of the system. The runs' bulk writes (inserts, status writes, outbox markers)
 * come here; every other store call stays on vertx-mongo-client. The documents are the same
 * {@link JsonObject}s, in vertx-mongo-client's conventions ({@code {"$date": ...}} is a date), so both
 * paths store the same thing. One driver client per verticle instance that writes runs, on Vert.x's
 * own event loops; closed with the verticle.
 *
 * <p>When the store is the embedded one of this very process ({@link LocalStore}), the writes skip
 * the driver and the wire protocol and go to it as documents ({@link LocalCommands}).
 */
public final class BsonBulk {

  private final Vertx vertx;
  private final MongoClient client; // null when local
  private final MongoDatabase database;
  private final LocalStore local; // null when over the wire
  private final String databaseName;

  private BsonBulk(Vertx vertx, MongoClient client, LocalStore local, String database) {
    this.vertx = vertx;
    this.client = client;
    this.database = client == null ? null : client.getDatabase(database);
    this.local = local;
    this.databaseName = database;
  }

  public static BsonBulk open(Vertx vertx, AppConfig config) {
    return open(vertx, config.mongo().uri().orElseThrow(), config.mongo().database(), config.mongo().connectTimeoutMs(),
        config.mongo().socketTimeoutMs());
  }

  /** {@code socketTimeoutMs}: how long a request may wait for its answer (0: forever), as {@code mongo.socketTimeoutMs}. */
  public static BsonBulk open(Vertx vertx, String uri, String database, long serverSelectionTimeoutMs, long socketTimeoutMs) {
    LocalStore local = LocalStore.at(uri).orElse(null);
    if (local != null) {
      return new BsonBulk(vertx, null, local, database);
    }
    MongoClientSettings settings = MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(uri))
        .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(serverSelectionTimeoutMs, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(socket -> socket.readTimeout(Math.toIntExact(socketTimeoutMs), TimeUnit.MILLISECONDS))
        .transportSettings(TransportSettings.nettyBuilder().eventLoopGroup(((VertxInternal) vertx).nettyEventLoopGroup()).build())
        .build();
    return new BsonBulk(vertx, MongoClients.create(settings), null, database);
  }

  /**
   * One bulk write of inserts, updates and deletes; completes on the caller's context. Failures are
   * the driver's (MongoBulkWriteException for per-item errors). The operations' documents are
   * converted after this returns (in process, on a store thread): they must not change meanwhile.
   */
  public Future<BulkWriteResult> write(String collection, List<BulkOperation> operations, boolean ordered) {
    for (BulkOperation operation : operations) {
      if (operation.getType() == BulkOperationType.REPLACE || operation.getHint() != null || operation.getHintString() != null
          || operation.getCollation() != null) {
        return Future.failedFuture(new IllegalArgumentException(
            "bulk writes here take inserts, updates and deletes without hint or collation, not " + operation.toJson()));
      }
    }
    if (local != null) {
      return LocalCommands.write(vertx, local, databaseName, collection, operations, ordered);
    }
    List<WriteModel<BsonDocument>> models = operations.stream().map(BsonBulk::model).toList();
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    Promise<BulkWriteResult> written = context != null ? context.promise() : Promise.promise();
    database.getCollection(collection, BsonDocument.class)
        .bulkWrite(models, new BulkWriteOptions().ordered(ordered))
        .subscribe(new Subscriber<>() {
          @Override
          public void onSubscribe(Subscription subscription) {
            subscription.request(1);
          }

          @Override
          public void onNext(BulkWriteResult result) {
            written.tryComplete(result);
          }

          @Override
          public void onError(Throwable failure) {
            written.tryFail(failure);
          }

          @Override
          public void onComplete() {
            written.tryFail("the driver answered a bulk write without a result");
          }
        });
    return written.future();
  }

  /** Closes the driver's connections and monitors, off the event loop (the driver's close is synchronous). */
  public Future<Void> close() {
    if (client == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      client.close();
      return null;
    });
  }

  private static WriteModel<BsonDocument> model(BulkOperation operation) {
    return switch (operation.getType()) {
      case INSERT -> new InsertOneModel<>(toBson(operation.getDocument()));
      case UPDATE -> {
        UpdateOptions options = new UpdateOptions().upsert(operation.isUpsert());
        BsonDocument filter = toBson(operation.getFilter());
        BsonDocument update = toBson(operation.getDocument());
        yield operation.isMulti() ? new UpdateManyModel<>(filter, update, options) : new UpdateOneModel<>(filter, update, options);
      }
      case DELETE -> operation.isMulti() ? new DeleteManyModel<>(toBson(operation.getFilter())) : new DeleteOneModel<>(toBson(operation.getFilter()));
      case REPLACE -> throw new IllegalArgumentException("no bulk replace here"); // refused by write() before
    };
  }

  /** A document in vertx-mongo-client's JSON conventions as BSON. */
  static BsonDocument toBson(JsonObject json) {
    BsonDocument document = new BsonDocument();
    for (Map.Entry<String, Object> field : json) {
      document.append(field.getKey(), value(field.getValue()));
    }
    return document;
  }

  private static BsonValue value(Object value) {
    if (value == null) {
      return BsonNull.VALUE;
    }
    if (value instanceof String text) {
      return new BsonString(text);
    }
    if (value instanceof Boolean flag) {
      return BsonBoolean.valueOf(flag);
    }
    if (value instanceof Integer number) {
      return new BsonInt32(number);
    }
    if (value instanceof Long number) {
      return new BsonInt64(number);
    }
    if (value instanceof Double || value instanceof Float) {
      return new BsonDouble(((Number) value).doubleValue());
    }
    if (value instanceof Instant instant) {
      return new BsonDateTime(instant.toEpochMilli());
    }
    if (value instanceof JsonObject object) {
      Long date = dateMillis(object);
      return date != null ? new BsonDateTime(date) : toBson(object);
    }
    if (value instanceof Map<?, ?> map) {
      return toBson(new JsonObject(castMap(map)));
    }
    if (value instanceof JsonArray array) {
      BsonArray values = new BsonArray();
      array.forEach(item -> values.add(value(item)));
      return values;
    }
    if (value instanceof List<?> list) {
      return value(new JsonArray(list));
    }
    if (value instanceof Number number) { // Short, Byte, BigInteger, BigDecimal: as JSON would write them
      return new BsonDouble(number.doubleValue());
    }
    throw new IllegalArgumentException("no BSON mapping for a " + value.getClass().getName());
  }

  /** The epoch milliseconds of a date in vertx-mongo-client's JSON ({@code {"$date": text or millis}}), or null if it is not one. */
  static Long dateMillis(JsonObject object) {
    if (object.size() != 1 || !object.containsKey("$date")) {
      return null;
    }
    Object date = object.getValue("$date");
    return date instanceof Number millis ? millis.longValue() : IsoInstants.parse(String.valueOf(date)).toEpochMilli();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
