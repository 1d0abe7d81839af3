package dev.taskmesh.support;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import dev.taskmesh.infra.store.StoreBackends;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.net.InetSocketAddress;

/** An embedded store on a free port with a client for it, for tests of repositories and the store itself. */
public record TestStore(MongoServer server, MongoBackend backend, MongoClient client) implements AutoCloseable {

  /** The store as the default run configures it, in memory. */
  public static TestStore start(Vertx vertx) {
    return start(vertx, StoreBackends.memory());
  }

  public static TestStore start(Vertx vertx, MongoBackend backend) {
    MongoServer server = new MongoServer(backend);
    server.bind(new InetSocketAddress("127.0.0.1", 0));
    MongoClient client = MongoClient.create(vertx, new JsonObject()
        .put("connection_string", "mongodb://127.0.0.1:" + server.getLocalAddress().getPort())
        .put("db_name", "t")
        .put("useObjectId", false));
    return new TestStore(server, backend, client);
  }

  /** Its connection string. */
  public String uri() {
    return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
  }

  @Override
  public void close() {
    client.close().await();
    server.shutdown();
  }
}
