package dev.taskmesh.worker;

import dev.taskmesh.task.Cancellation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs one worker instance is executing, with their cancellation handles, and the runs it was
 * recently told are cancelled (bounded, oldest forgotten first). Used on the worker's context only.
 */
final class InFlightRuns {

  static final String CANCELLED_BY_REQUEST = "cancelled on request";
  static final String WORKER_STOPPING = "worker stopping";
  private static final int REMEMBERED_CANCELS = 10_000;

  /** One attempt in flight. */
  static final class Attempt {
    final String runId;
    final int attempt;
    final long startedAtMillis = System.currentTimeMillis();
    final Cancellation cancellation = new Cancellation();

    Attempt(String runId, int attempt) {
      this.runId = runId;
      this.attempt = attempt;
    }
  }

  private final Map<String, List<Attempt>> byRun = new HashMap<>();
  private final LinkedHashMap<String, Integer> cancelled = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > REMEMBERED_CANCELS;
    }
  };

  Attempt begin(String runId, int attempt) {
    Attempt started = new Attempt(runId, attempt);
    byRun.computeIfAbsent(runId, id -> new ArrayList<>(1)).add(started);
    if (isCancelled(runId, attempt)) {
      started.cancellation.cancel(CANCELLED_BY_REQUEST);
    }
    return started;
  }

  void end(Attempt attempt) {
    List<Attempt> attempts = byRun.get(attempt.runId);
    if (attempts != null && attempts.remove(attempt) && attempts.isEmpty()) {
      byRun.remove(attempt.runId);
    }
  }

  /** Remembers the cancel and stops the run's attempts in flight; attempt 0 means every attempt. */
  void cancel(String runId, int attempt) {
    cancelled.put(runId, attempt);
    // A cancel may end the attempt at once (and remove it): iterate over a copy.
    for (Attempt running : List.copyOf(byRun.getOrDefault(runId, List.of()))) {
      if (attempt == 0 || running.attempt <= attempt) {
        running.cancellation.cancel(CANCELLED_BY_REQUEST);
      }
    }
  }

  boolean isCancelled(String runId, int attempt) {
    Integer upTo = cancelled.get(runId);
    return upTo != null && (upTo == 0 || attempt <= upTo);
  }

  /** Run ids in flight for longer than {@code millis}. */
  List<String> runningLongerThan(long millis) {
    long before = System.currentTimeMillis() - millis;
    List<String> ids = new ArrayList<>();
    byRun.forEach((id, attempts) -> {
      if (attempts.stream().anyMatch(a -> a.startedAtMillis < before)) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** Abandons everything in flight (the worker is stopping): no outcome will be published for them. */
  void abandonAll() {
    List<Attempt> all = new ArrayList<>();
    byRun.values().forEach(all::addAll);
    all.forEach(a -> a.cancellation.cancel(WORKER_STOPPING));
  }

  int size() {
    return byRun.values().stream().mapToInt(List::size).sum();
  }
}
