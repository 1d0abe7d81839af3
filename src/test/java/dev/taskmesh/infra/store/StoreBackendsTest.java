package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.FindOptions;
import io.vertx.ext.mongo.MongoClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The _id-first collections answer every query shape exactly as the stock ones do. */
class StoreBackendsTest {

  private static Vertx vertx;

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private record Store(MongoServer server, MongoClient client) implements AutoCloseable {
    static Store start(MongoBackend backend) {
      MongoServer server = new MongoServer(backend);
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      MongoClient client = MongoClient.create(vertx, new JsonObject()
          .put("connection_string", "mongodb://127.0.0.1:" + server.getLocalAddress().getPort()).put("db_name", "t"));
      return new Store(server, client);
    }

    @Override
    public void close() {
      client.close().await();
      server.shutdown();
    }
  }

  private static final List<JsonObject> QUERIES = List.of(
      new JsonObject().put("_id", "r7"),
      new JsonObject().put("_id", "r7").put("final", false),
      new JsonObject().put("_id", "r7").put("final", true),
      new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 20)),
      new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 5)),
      new JsonObject().put("_id", "nope").put("final", false),
      new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray().add("r1").add("r2").add("r3"))).put("final", false),
      new JsonObject().put("final", false),
      new JsonObject().put("seq", new JsonObject().put("$gte", 10)));

  private static void seed(MongoClient client) {
    for (int i = 0; i < 50; i++) {
      client.insert("runs", new JsonObject().put("_id", "r" + i).put("final", i % 2 == 0).put("seq", i)).await();
    }
  }

  private static List<List<JsonObject>> answers(Supplier<MongoBackend> backend) {
    try (Store store = Store.start(backend.get())) {
      seed(store.client());
      return QUERIES.stream()
          .map(q -> store.client().findWithOptions("runs", q, new FindOptions().setSort(new JsonObject().put("_id", 1))).await())
          .toList();
    }
  }

  @Test
  void everyQueryShapeAnswersAsTheStockMemoryBackendDoes() {
    List<List<JsonObject>> expected = answers(MemoryBackend::new);
    assertThat(answers(StoreBackends::memory)).isEqualTo(expected);
    assertThat(expected.get(1)).hasSize(1); // r7 is not final
    assertThat(expected.get(2)).isEmpty(); // so the guard final=true excludes it
    assertThat(expected.get(3)).hasSize(1);
    assertThat(expected.get(6)).extracting(d -> d.getString("_id")).containsExactly("r1", "r3");
  }

  @Test
  void everyQueryShapeAnswersAsTheStockH2BackendDoes() {
    List<List<JsonObject>> expected = answers(() -> new H2Backend(dir.resolve("stock.mv").toString()));
    assertThat(answers(() -> StoreBackends.h2(dir.resolve("fast.mv").toString()))).isEqualTo(expected);
  }

  @Test
  void guardedUpdatesChangeOnlyWhenTheGuardHolds() {
    try (Store store = Store.start(StoreBackends.memory())) {
      seed(store.client());
      JsonObject set = new JsonObject().put("$set", new JsonObject().put("seq", 100));
      assertThat(store.client().updateCollection("runs", new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 5)), set)
          .await().getDocModified()).isZero();
      assertThat(store.client().updateCollection("runs", new JsonObject().put("_id", "r7").put("seq", new JsonObject().put("$lt", 50)), set)
          .await().getDocModified()).isEqualTo(1);
      assertThat(store.client().findOne("runs", new JsonObject().put("_id", "r7"), null).await().getInteger("seq")).isEqualTo(100);
    }
  }

  @Test
  void anH2FileWrittenByEitherBackendReadsBackWithTheOther() {
    String file = dir.resolve("shared.mv").toString();
    try (Store store = Store.start(StoreBackends.h2(file))) {
      store.client().insert("runs", new JsonObject().put("_id", "a").put("n", 1)).await();
    }
    try (Store store = Store.start(new H2Backend(file))) {
      assertThat(store.client().findOne("runs", new JsonObject().put("_id", "a"), null).await().getInteger("n")).isEqualTo(1);
      store.client().insert("runs", new JsonObject().put("_id", "b").put("n", 2)).await();
    }
    try (Store store = Store.start(StoreBackends.h2(file))) {
      assertThat(store.client().count("runs", new JsonObject()).await()).isEqualTo(2);
    }
  }
}
