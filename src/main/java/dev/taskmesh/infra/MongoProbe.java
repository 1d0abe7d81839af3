package dev.taskmesh.infra;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.concurrent.TimeUnit;

/** Checks, before any verticle starts, that the store answers; a clear error with its address otherwise. */
public final class MongoProbe {

  private MongoProbe() {}

  public static void await(Vertx vertx, JsonObject clientConfig, long timeoutMs) {
    MongoClient client = MongoClient.create(vertx, clientConfig);
    try {
      client.runCommand("ping", new JsonObject().put("ping", 1)).timeout(timeoutMs + 1_000, TimeUnit.MILLISECONDS).await();
    } catch (Exception e) {
      throw new EmbeddedInfraException("MongoDB at " + redact(clientConfig.getString("connection_string"))
          + " did not answer within " + timeoutMs + " ms");
    } finally {
      client.close();
    }
  }

  /** Never print a password from a connection string. */
  static String redact(String uri) {
    return uri.replaceAll("//([^:/@]+):([^@]+)@", "//$1:***@");
  }
}
