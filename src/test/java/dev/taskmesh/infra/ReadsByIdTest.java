package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads by id that share one round trip (every launch reads its task; clients poll their runs) still answer each caller with its own document, as it is now. */
class ReadsByIdTest {

  private static Vertx vertx;
  private static TestStore store;
  private static MongoClient mongo;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    store = TestStore.start(vertx);
    mongo = store.client();
  }

  @AfterAll
  static void stop() {
    store.close();
    vertx.close().await();
  }

  private static List<Optional<String>> onOneEventLoop(ReadsById<String> reads, List<String> ids) {
    Promise<List<Optional<String>>> answers = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<Optional<String>>> asked = ids.stream().map(reads::find).toList();
      Future.all(asked).map(all -> asked.stream().map(Future::result).toList()).onComplete(answers);
    });
    return answers.future().await();
  }

  @Test
  void aBurstOfReadsGetsEachItsOwnAnswerAndALaterReadSeesAWrite() {
    List<String> ids = IntStream.range(0, 300).mapToObj(i -> "thing-" + i).toList();
    for (String id : ids) {
      mongo.insert("things", new JsonObject().put("_id", id).put("title", "title of " + id)).await();
    }
    ReadsById<String> reads = new ReadsById<>(mongo, "things", doc -> doc.getString("title"));

    // More reads than one batch takes, some twice, one of nothing.
    List<String> asked = new java.util.ArrayList<>(ids);
    asked.addAll(List.of("thing-7", "missing", "thing-7"));
    List<Optional<String>> answers = onOneEventLoop(reads, asked);
    assertThat(answers).hasSize(asked.size());
    for (int i = 0; i < asked.size(); i++) {
      assertThat(answers.get(i)).as(asked.get(i)).isEqualTo(asked.get(i).equals("missing") ? Optional.empty() : Optional.of("title of " + asked.get(i)));
    }

    mongo.updateCollection("things", new JsonObject().put("_id", "thing-7"), new JsonObject().put("$set", new JsonObject().put("title", "renamed")))
        .await();
    assertThat(onOneEventLoop(reads, List.of("thing-7", "thing-8"))).containsExactly(Optional.of("renamed"), Optional.of("title of thing-8"));
    // Outside an event loop a read goes alone.
    assertThat(reads.find("thing-9").await()).contains("title of thing-9");
  }
}
