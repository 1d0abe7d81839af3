package dev.taskmesh.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/** Filters, order and page of a run list; a null filter means any. */
public record RunQuery(String status, String taskId, String launchedBy, Instant from, Instant to, String sort, boolean ascending,
    int skip, int limit) {

  private static final Map<String, String> SORT_FIELDS = Map.of(
      "created", "createdAt", "started", "startedAt", "finished", "finishedAt", "status", "seq");

  /** The stored field a sort name orders by (creation time by default). */
  String sortField() {
    return sort == null ? "createdAt" : SORT_FIELDS.getOrDefault(sort, "createdAt");
  }

  /**
   * The store order of this query. Newest or oldest first is the order of the ids alone: a run's
   * {@code createdAt} is its id's millisecond (UUIDv7), so ordering by creation time with the id as
   * tiebreaker is ordering by id. A store then reads a page off its {@code _id} order: the
   * embedded store stops after the page, where a sort on {@code createdAt} read every matching run.
   */
  JsonObject storeOrder() {
    int direction = ascending ? 1 : -1;
    String field = sortField();
    return field.equals("createdAt")
        ? new JsonObject().put("_id", direction)
        : new JsonObject().put(field, direction).put("_id", direction);
  }

  /** The store filter of this query. */
  JsonObject filter() {
    JsonObject filter = new JsonObject();
    if (status != null) {
      filter.put("status", status);
    }
    if (taskId != null) {
      filter.put("taskId", taskId);
    }
    if (launchedBy != null) {
      filter.put("launchedBy", launchedBy);
    }
    if (from != null || to != null) {
      JsonObject range = new JsonObject();
      if (from != null) {
        range.put("$gte", MongoDates.toDocument(from));
      }
      if (to != null) {
        range.put("$lt", MongoDates.toDocument(to));
      }
      filter.put("createdAt", range);
    }
    return filter;
  }
}
