package dev.taskmesh.infra;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;

/** The one MongoDB client pool of a process, shared by every verticle instance. */
public final class Mongo {

  private static final String POOL = "taskmesh";

  private Mongo() {}

  public static MongoClient client(Vertx vertx, AppConfig config) {
    return MongoClient.createShared(vertx, clientConfig(config), POOL);
  }

  public static JsonObject clientConfig(AppConfig config) {
    return new JsonObject()
        .put("connection_string", config.mongo().uri().orElseThrow())
        .put("db_name", config.mongo().database())
        .put("useObjectId", false)
        .put("maxPoolSize", 50)
        .put("serverSelectionTimeoutMS", config.mongo().connectTimeoutMs())
        .put("socketTimeoutMS", Math.toIntExact(config.mongo().socketTimeoutMs()));
  }
}
