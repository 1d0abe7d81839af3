package dev.taskmesh.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.run.RunRepository;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import dev.taskmesh.task.TaskHandlers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ledger check used by every pipeline test: every accepted run has exactly one terminal state
 * (one terminal entry in its transitions per life; a replay starts a new life), no run exists that
 * was not accepted, and how often handlers executed each run is reported.
 */
public final class Ledger {

  private static final Set<String> TERMINAL = Set.of("COMPLETED", "DEAD", "CANCELLED");

  private final Map<String, Set<String>> acceptedByTag = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
  private volatile TaskHandlers handlers;

  /** What a check found. */
  public record Report(int runs, Map<String, Integer> byStatus, Map<Integer, Integer> runsByExecutions) {
    @Override
    public String toString() {
      return runs + " runs, by status " + byStatus + ", runs by handler executions " + runsByExecutions;
    }
  }

  TaskHandlers counting(TaskHandlers delegate) {
    handlers = new TaskHandlers(delegate.all().stream().map(this::count).toList());
    return handlers;
  }

  public TaskHandlers handlers() {
    return handlers;
  }

  public void accepted(String tag, String runId) {
    acceptedByTag.computeIfAbsent(tag, t -> ConcurrentHashMap.newKeySet()).add(runId);
  }

  public Set<String> accepted(String tag) {
    return Set.copyOf(acceptedByTag.getOrDefault(tag, Set.of()));
  }

  public int executions(String runId) {
    AtomicInteger count = executions.get(runId);
    return count == null ? 0 : count.get();
  }

  /** Waits until every run accepted under {@code tag} is terminal, then checks the ledger. */
  public Report check(MongoClient mongo, String tag, Duration timeout) throws InterruptedException {
    Set<String> accepted = accepted(tag);
    JsonObject query = new JsonObject().put("taskId", tag);
    List<JsonObject> docs = Awaits.until(() -> {
      List<JsonObject> found = mongo.find(RunRepository.COLLECTION, query).await();
      return found.size() >= accepted.size() && found.stream().allMatch(d -> d.getBoolean("final", false)) ? found : null;
    }, timeout.toMillis(), "every run of " + tag + " (" + accepted.size() + ") terminal");
    Set<String> stored = new HashSet<>();
    Map<String, Integer> byStatus = new TreeMap<>();
    Map<Integer, Integer> byExecutions = new TreeMap<>();
    for (JsonObject doc : docs) {
      String id = doc.getString("_id");
      stored.add(id);
      byStatus.merge(doc.getString("status"), 1, Integer::sum);
      byExecutions.merge(executions(id), 1, Integer::sum);
      assertThat(TERMINAL).as("status of run %s", id).contains(doc.getString("status"));
      assertThat(terminalEntriesOfLastLife(doc.getJsonArray("transitions", new JsonArray())))
          .as("terminal transitions of run %s: %s", id, doc.getJsonArray("transitions")).isEqualTo(1);
    }
    assertThat(stored).as("runs in the store that were never accepted").isSubsetOf(accepted);
    assertThat(accepted).as("accepted runs missing from the store").isSubsetOf(stored);
    Report report = new Report(docs.size(), byStatus, byExecutions);
    System.out.println("Ledger " + tag + ": " + report);
    return report;
  }

  static int terminalEntriesOfLastLife(JsonArray transitions) {
    int terminal = 0;
    for (int i = 0; i < transitions.size(); i++) {
      JsonObject entry = transitions.getJsonObject(i);
      if ("replayed".equals(entry.getString("note"))) {
        terminal = 0;
      } else if (TERMINAL.contains(entry.getString("status"))) {
        terminal++;
      }
    }
    return terminal;
  }

  private TaskHandler count(TaskHandler delegate) {
    return new TaskHandler() {
      @Override
      public String type() {
        return delegate.type();
      }

      @Override
      public String description() {
        return delegate.description();
      }

      @Override
      public JsonObject inputSchema() {
        return delegate.inputSchema();
      }

      @Override
      public Duration timeout() {
        return delegate.timeout();
      }

      @Override
      public Future<Object> execute(TaskContext context) {
        executions.computeIfAbsent(context.runId(), id -> new AtomicInteger()).incrementAndGet();
        return delegate.execute(context);
      }
    };
  }
}
