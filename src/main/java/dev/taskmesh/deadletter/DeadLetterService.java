package dev.taskmesh.deadletter;

import dev.taskmesh.bridge.KafkaPublisher;
import dev.taskmesh.observability.Traceparent;
import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunCommand;
import dev.taskmesh.run.RunRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists dead letters and replays them. Replaying a run's letter reopens the DEAD run with a new
 * attempt and a fresh attempt budget (a deliberate admin action: the run's transitions show it) and
 * publishes it to {@code pending-tasks}; replaying a letter without a readable run re-publishes its
 * raw payload. The admin-only authorization is the gateway's.
 */
public final class DeadLetterService {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterService.class);
  public static final int MAX_PAGE_SIZE = 200;
  /** Replay-all works through at most this many letters per call; call again for more. */
  public static final int REPLAY_ALL_LIMIT = 1_000;

  /** The outcome of replaying one letter. */
  public enum Replay { REPLAYED, NOT_FOUND, NOT_REPLAYABLE }

  private final DeadLetterRepository letters;
  private final RunRepository runs;
  private final KafkaPublisher publisher;
  private final String pendingTopic;
  private final int maxAttempts;

  public DeadLetterService(DeadLetterRepository letters, RunRepository runs, KafkaPublisher publisher, String pendingTopic, int maxAttempts) {
    this.letters = letters;
    this.runs = runs;
    this.publisher = publisher;
    this.pendingTopic = pendingTopic;
    this.maxAttempts = maxAttempts;
  }

  /** {@code {items, page, size, total}}; page counts from 0. */
  public Future<JsonObject> list(int page, int size) {
    int boundedSize = Math.max(1, Math.min(MAX_PAGE_SIZE, size));
    int boundedPage = Math.max(0, page);
    return Future.all(letters.page(boundedPage, boundedSize), letters.count()).map(both -> {
      List<JsonObject> items = both.resultAt(0);
      JsonArray views = new JsonArray();
      items.forEach(doc -> views.add(DeadLetter.publicView(doc)));
      return new JsonObject().put("items", views).put("page", boundedPage).put("size", boundedSize).put("total", both.<Long>resultAt(1));
    });
  }

  public Future<Replay> replay(String id) {
    return letters.find(id).compose(found -> found.isEmpty() ? Future.succeededFuture(Replay.NOT_FOUND) : replayLetter(found.get()));
  }

  /** Replays every letter not replayed yet (up to {@link #REPLAY_ALL_LIMIT}); returns how many were replayed. */
  public Future<Integer> replayAll() {
    return letters.unreplayed(REPLAY_ALL_LIMIT).compose(docs -> {
      Future<Integer> count = Future.succeededFuture(0);
      for (JsonObject doc : docs) {
        count = count.compose(n -> replayLetter(doc).map(r -> r == Replay.REPLAYED ? n + 1 : n));
      }
      return count;
    });
  }

  private Future<Replay> replayLetter(JsonObject letter) {
    String id = letter.getString("_id");
    String runId = letter.getString("runId");
    Future<Boolean> replayed;
    if (runId != null) {
      replayed = runs.reopen(runId, maxAttempts).compose(this::publish);
    } else if (letter.getString("payload") != null && !letter.getString("payload").isEmpty()) {
      replayed = publisher.sendRaw(pendingTopic, null, letter.getString("payload"), null).map(true);
    } else {
      replayed = Future.succeededFuture(false);
    }
    return replayed.compose(done -> done
        ? letters.markReplayed(id, Instant.now()).map(Replay.REPLAYED)
        : Future.succeededFuture(Replay.NOT_REPLAYABLE));
  }

  private Future<Boolean> publish(Optional<Run> reopened) {
    if (reopened.isEmpty()) {
      return Future.succeededFuture(false);
    }
    Run run = reopened.get();
    LOG.info("Replaying run {} as attempt {}", run.id(), run.attempt());
    String traceparent = run.traceId() == null ? null : Traceparent.childOf(run.traceId()).header();
    // If this publish fails, the run sits PENDING with no message: the stuck-run rule re-publishes it.
    return publisher.send(pendingTopic, run.id(), RunCommand.of(run).toJson(), traceparent).map(true);
  }
}
