package dev.taskmesh.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.support.TestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads by id share round trips on an event loop, and each caller still gets its own answer. */
class TaskRepositoryTest {

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

  private static Task task(String id, String title) {
    Instant now = Instant.now();
    return new Task(id, "owner-1", title, "", "sleep", new JsonObject().put("millis", 1), Task.Priority.MEDIUM, now, now);
  }

  @Test
  void concurrentReadsOnOneEventLoopEachGetTheirTaskAndALaterReadSeesAnUpdate() {
    TaskRepository tasks = new TaskRepository(mongo);
    tasks.insert(task("a", "first")).await();
    tasks.insert(task("b", "second")).await();

    Promise<List<Optional<Task>>> answers = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      List<Future<Optional<Task>>> reads = List.of(tasks.findById("a"), tasks.findById("b"), tasks.findById("a"),
          tasks.findById("missing"), tasks.findById("b"));
      Future.all(reads).map(all -> reads.stream().map(Future::result).toList()).onComplete(answers);
    });
    List<Optional<Task>> found = answers.future().await();
    assertThat(found).extracting(t -> t.map(Task::title).orElse("-")).containsExactly("first", "second", "first", "-", "second");

    tasks.update(task("a", "renamed"), Instant.now()).await();
    Promise<Optional<Task>> after = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> tasks.findById("a").onComplete(after));
    assertThat(after.future().await().orElseThrow().title()).isEqualTo("renamed");
  }
}
