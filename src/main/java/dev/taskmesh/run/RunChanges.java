package dev.taskmesh.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * What a status change writes to a run document: the guard that makes it idempotent (only a
 * non-final run at a lower lifecycle sequence changes) and the update itself, with its entry in the
 * run's {@code transitions} history.
 */
final class RunChanges {

  private RunChanges() {}

  static JsonObject guard(RunEvent event) {
    return new JsonObject()
        .put("_id", event.runId())
        .put("final", false)
        .put("seq", new JsonObject().put("$lt", event.status().sequence(event.attempt())));
  }

  static JsonObject update(RunEvent event) {
    JsonObject set = new JsonObject()
        .put("status", event.status().name())
        .put("seq", event.status().sequence(event.attempt()))
        .put("attempt", event.attempt())
        .put("final", event.status().terminal())
        .put("outbox", false) // a worker reported on the run, so it was published
        .put("updatedAt", MongoDates.toDocument(Instant.now()));
    if (event.status() == RunStatus.RUNNING) {
      set.put("startedAt", MongoDates.toDocument(event.at()));
    } else if (event.startedAt() != null) {
      set.put("startedAt", MongoDates.toDocument(event.startedAt()));
    }
    if (event.status() == RunStatus.FAILED) {
      set.put("error", event.error());
    }
    if (event.status().terminal()) {
      set.put("finishedAt", MongoDates.toDocument(event.at())).put("result", event.result()).put("error", event.error());
    }
    return new JsonObject()
        .put("$set", set)
        .put("$push", new JsonObject().put("transitions", transition(event)));
  }

  /** Which of these runs are still QUEUED at this attempt (published, not yet marked PENDING). */
  static JsonObject stillQueued(List<String> ids, int attempt) {
    return new JsonObject().put("_id", new JsonObject().put("$in", new JsonArray(ids)))
        .put("seq", RunStatus.QUEUED.sequence(attempt));
  }

  /** Published: PENDING at this attempt, outbox marker cleared. */
  static JsonObject pending(int attempt, Instant now) {
    return new JsonObject()
        .put("$set", new JsonObject()
            .put("status", RunStatus.PENDING.name())
            .put("seq", RunStatus.PENDING.sequence(attempt))
            .put("outbox", false)
            .put("updatedAt", MongoDates.toDocument(now)))
        .put("$push", new JsonObject().put("transitions", transition(RunStatus.PENDING, attempt, now, null)));
  }

  /** An outcome carries its attempt's start: the RUNNING event may be folded into it or arrive later. */
  static JsonObject transition(RunEvent event) {
    JsonObject entry = transition(event.status(), event.attempt(), event.at(), event.error());
    if (event.status() != RunStatus.RUNNING && event.startedAt() != null) {
      entry.put("startedAt", MongoDates.toDocument(event.startedAt()));
    }
    return entry;
  }

  static JsonObject transition(RunStatus status, int attempt, Instant at, String note) {
    JsonObject entry = new JsonObject().put("status", status.name()).put("attempt", attempt).put("at", MongoDates.toDocument(at));
    if (note != null) {
      entry.put("note", note);
    }
    return entry;
  }
}
