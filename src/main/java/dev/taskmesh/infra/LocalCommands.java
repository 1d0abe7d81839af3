package dev.taskmesh.infra;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.exception.MongoServerException;
import dev.taskmesh.infra.store.LocalStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.BulkOperation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * The hot store calls, handed to the embedded store of this process ({@link LocalStore}) as the
 * commands the driver would send, and answered as the driver or vertx-mongo-client answers them.
 *
 * <p>A bulk write of {@link BsonBulk}: consecutive items of one kind make one {@code insert},
 * {@code update} or {@code delete} command, an ordered write stops at the first refused item. The
 * outcome is told as the driver tells it (a {@link BulkWriteResult}, a {@link MongoBulkWriteException}
 * listing refused items by their index in the whole write, a {@link MongoCommandException} for a
 * refused command), so callers and {@link MongoErrors} read both paths alike. A read of
 * {@link ReadsById}: a {@code find} command whose documents come back in vertx-mongo-client's JSON.
 */
final class LocalCommands {

  private static final ServerAddress IN_PROCESS = new ServerAddress("in-process", 0);

  /** A kind of write: its command and the field listing its items. */
  private enum Kind {
    INSERT("insert", "documents"), UPDATE("update", "updates"), DELETE("delete", "deletes");

    final String command;
    final String items;

    Kind(String command, String items) {
      this.command = command;
      this.items = items;
    }
  }

  /** One item of a bulk write as its command lists it: a document, an update statement, a delete statement. */
  private record Item(Kind kind, Document statement) {}

  private LocalCommands() {}

  static Future<BulkWriteResult> write(Vertx vertx, LocalStore store, String database, String collection,
      List<BulkOperation> operations, boolean ordered) {
    // Everything from here, converting the documents too, runs on a store thread, not the caller's event loop.
    return store.execute(vertx, commands -> {
      List<Item> items = new ArrayList<>(operations.size());
      operations.forEach(operation -> items.add(item(operation)));
      Counts counts = new Counts();
      List<BulkWriteError> refused = new ArrayList<>();
      int start = 0;
      while (start < items.size() && (refused.isEmpty() || !ordered)) {
        Kind kind = items.get(start).kind();
        List<Document> statements = new ArrayList<>();
        int end = start;
        for (; end < items.size() && items.get(end).kind() == kind; end++) {
          statements.add(items.get(end).statement());
        }
        Document reply;
        try {
          reply = commands.command(database, kind.command,
              new Document(kind.command, collection).append("ordered", ordered).append(kind.items, statements));
        } catch (MongoServerException e) {
          throw refusal(e);
        }
        counts.add(kind, reply);
        for (Object error : listOf(reply.get("writeErrors"))) {
          Document item = (Document) error;
          refused.add(new BulkWriteError(number(item.get("code")), String.valueOf(item.get("errmsg")), new BsonDocument(),
              start + number(item.get("index"))));
        }
        start = end;
      }
      BulkWriteResult result = BulkWriteResult.acknowledged(counts.inserted, counts.matched, counts.removed, counts.modified, List.of(), List.of());
      if (!refused.isEmpty()) {
        throw new MongoBulkWriteException(result, refused, null, IN_PROCESS, Set.of());
      }
      return result;
    });
  }

  private static final class Counts {
    int inserted;
    int matched;
    int modified;
    int removed;

    void add(Kind kind, Document reply) {
      int n = number(reply.get("n"));
      switch (kind) {
        case INSERT -> inserted += n;
        case UPDATE -> {
          matched += n;
          modified += number(reply.get("nModified"));
        }
        case DELETE -> removed += n;
      }
    }
  }

  private static Item item(BulkOperation operation) {
    return switch (operation.getType()) {
      case INSERT -> new Item(Kind.INSERT, document(operation.getDocument()));
      case UPDATE -> new Item(Kind.UPDATE, new Document("q", document(operation.getFilter())).append("u", document(operation.getDocument()))
          .append("multi", operation.isMulti()).append("upsert", operation.isUpsert()));
      case DELETE -> new Item(Kind.DELETE, new Document("q", document(operation.getFilter())).append("limit", operation.isMulti() ? 0 : 1));
      default -> throw new IllegalArgumentException("no in-process form for a " + operation.getType());
    };
  }

  /** A refused command as the driver reports one: its code, name and message. */
  private static MongoCommandException refusal(MongoServerException e) {
    BsonDocument response = new BsonDocument("ok", new BsonInt32(0)).append("errmsg", new BsonString(e.getMessageWithoutErrorCode()));
    if (e instanceof MongoServerError error) {
      response.append("code", new BsonInt32(error.getCode()));
      if (error.getCodeName() != null) {
        response.append("codeName", new BsonString(error.getCodeName()));
      }
    }
    return new MongoCommandException(response, IN_PROCESS);
  }

  /**
   * The documents matching {@code query} (with only {@code fields}, when given), in the JSON
   * vertx-mongo-client gives ({@code {"$date": "..."}} for a date), as a {@code find} command.
   */
  static Future<List<JsonObject>> find(Vertx vertx, LocalStore store, String database, String collection, JsonObject query,
      JsonObject fields) {
    return store.execute(vertx, commands -> {
      Document body = new Document("find", collection).append("filter", document(query))
          .append("batchSize", Integer.MAX_VALUE);
      if (fields != null) {
        body.append("projection", document(fields));
      }
      Document reply;
      try {
        reply = commands.command(database, "find", body);
      } catch (MongoServerException e) {
        throw refusal(e);
      }
      List<JsonObject> found = new ArrayList<>();
      for (Object item : listOf(((Document) reply.get("cursor")).get("firstBatch"))) {
        found.add(json((Document) item));
      }
      return found;
    });
  }

  private static JsonObject json(Document document) {
    JsonObject json = new JsonObject(new java.util.LinkedHashMap<>(document.size() * 2));
    document.forEach((key, value) -> json.put(key, jsonValue(value)));
    return json;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Document document) {
      return json(document);
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray(new ArrayList<>(list.size()));
      list.forEach(item -> array.add(jsonValue(item)));
      return array;
    }
    if (value instanceof Instant instant) {
      return new JsonObject().put("$date", vertxDate(instant));
    }
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    throw new IllegalArgumentException("no JSON form for a stored " + value.getClass().getName());
  }

  /**
   * A date as vertx-mongo-client writes it (ISO-8601 in UTC, the fraction without its trailing
   * zeros: {@code 10:00:00.12Z}, {@code 10:00:00Z}), so both paths read back the same text.
   */
  static String vertxDate(Instant instant) {
    String text = IsoInstants.format(instant);
    int dot = text.lastIndexOf('.');
    if (dot < 0) {
      return text;
    }
    int end = text.length() - 1; // the Z
    int last = end;
    while (last > dot + 1 && text.charAt(last - 1) == '0') {
      last--;
    }
    return last == dot + 1 ? text.substring(0, dot) + "Z" : text.substring(0, last) + "Z";
  }

  /**
   * A document in vertx-mongo-client's JSON conventions as the store's own document: the values the
   * server would decode from the BSON {@link BsonBulk#toBson} makes of it (dates to the millisecond,
   * numbers other than int, long and double as doubles), without making that BSON.
   */
  static Document document(JsonObject json) {
    Document document = new Document();
    for (Map.Entry<String, Object> field : json) {
      document.put(field.getKey(), value(field.getValue()));
    }
    return document;
  }

  private static Object value(Object value) {
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Double) {
      return value;
    }
    if (value instanceof Float number) {
      return number.doubleValue();
    }
    if (value instanceof Instant instant) {
      return Instant.ofEpochMilli(instant.toEpochMilli());
    }
    if (value instanceof JsonObject object) {
      Long date = BsonBulk.dateMillis(object);
      return date != null ? Instant.ofEpochMilli(date) : document(object);
    }
    if (value instanceof Map<?, ?> map) {
      return document(new JsonObject(BsonBulk.castMap(map)));
    }
    if (value instanceof JsonArray array) {
      return list(array.getList());
    }
    if (value instanceof List<?> list) {
      return list(list);
    }
    if (value instanceof Number number) { // Short, Byte, BigInteger, BigDecimal: as BsonBulk writes them
      return number.doubleValue();
    }
    throw new IllegalArgumentException("no in-process form for a " + value.getClass().getName());
  }

  private static List<Object> list(List<?> items) {
    List<Object> values = new ArrayList<>(items.size());
    items.forEach(item -> values.add(value(item)));
    return values;
  }

  private static List<?> listOf(Object value) {
    return value instanceof List<?> list ? list : List.of();
  }

  private static int number(Object value) {
    return value instanceof Number number ? number.intValue() : 0;
  }
}
