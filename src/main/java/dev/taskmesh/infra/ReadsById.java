package dev.taskmesh.infra;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.infra.store.LocalStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads of one collection by {@code _id}, grouped like writes ({@link GroupCommit}): reads asked
 * for while another is in flight share the next round trip, one {@code {_id: {$in: [...]}}} query
 * (the store answers it by id lookups). Each is still issued after its request arrived, so none
 * can miss a change its caller saw acknowledged before asking. A launch reads its task, and a
 * client polling an unfinished run reads the run: under load, hundreds of reads become one.
 *
 * @param <T> what a stored document is read as
 */
public final class ReadsById<T> {

  private static final int DEFAULT_MAX_BATCH = 256;

  /** How a group of reads queries the store. */
  @FunctionalInterface
  public interface Finder {
    Future<List<JsonObject>> find(String collection, JsonObject query, JsonObject fields);

    static Finder of(MongoClient mongo) {
      return (collection, query, fields) -> mongo.findWithOptions(collection, query, fields == null ? new FindOptions() : new FindOptions().setFields(fields));
    }

    /** In process when the configured store is this process's embedded one ({@link LocalStore}), else through {@code mongo}. */
    static Finder of(Vertx vertx, AppConfig config, MongoClient mongo) {
      return of(vertx, config.mongo().uri().orElseThrow(), config.mongo().database(), mongo);
    }

    /** In process when the store at {@code uri} is this process's embedded one, else through {@code mongo}. */
    static Finder of(Vertx vertx, String uri, String database, MongoClient mongo) {
      return LocalStore.at(uri)
          .<Finder>map(local -> (collection, query, fields) -> LocalCommands.find(vertx, local, database, collection, query, fields))
          .orElseGet(() -> of(mongo));
    }
  }

  private final Finder finder;
  private final String collection;
  private final JsonObject fields;
  private final Function<JsonObject, T> mapper;
  private final GroupCommit<String, Optional<T>> reads;

  /** Whole documents, at most {@value #DEFAULT_MAX_BATCH} ids a query. */
  public ReadsById(MongoClient mongo, String collection, Function<JsonObject, T> mapper) {
    this(Finder.of(mongo), collection, mapper);
  }

  /** Whole documents through {@code finder}, at most {@value #DEFAULT_MAX_BATCH} ids a query. */
  public ReadsById(Finder finder, String collection, Function<JsonObject, T> mapper) {
    this(finder, collection, null, mapper, DEFAULT_MAX_BATCH);
  }

  /** Only {@code fields} of each document (a projection; null: all of it), at most {@code maxBatch} ids a query. */
  public ReadsById(Finder finder, String collection, JsonObject fields, Function<JsonObject, T> mapper, int maxBatch) {
    this.finder = finder;
    this.collection = collection;
    this.fields = fields;
    this.mapper = mapper;
    this.reads = new GroupCommit<>(this::findAll, this::findOne, maxBatch);
  }

  public Future<Optional<T>> find(String id) {
    return reads.submit(id);
  }

  private Future<Optional<T>> findOne(String id) {
    return finder.find(collection, new JsonObject().put("_id", id), fields).map(docs -> docs.stream().findFirst().map(mapper));
  }

  private Future<List<AsyncResult<Optional<T>>>> findAll(List<String> ids) {
    JsonObject query = new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(List.copyOf(new LinkedHashSet<>(ids)))));
    return finder.find(collection, query, fields).map(docs -> {
      Map<String, T> byId = new HashMap<>();
      docs.forEach(doc -> byId.put(doc.getString("_id"), mapper.apply(doc)));
      return GroupCommit.answers(ids, byId);
    });
  }
}
