package dev.taskmesh.run;

import dev.taskmesh.infra.TimeOrderedIds;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Filters, order and page of a run list; a null filter means any. A page is either {@code skip}
 * runs in, or the runs past the id {@code after} in the list's order (a cursor: a page's last id
 * is the next page's {@code after}): the store starts reading at that id, so a page's cost does not
 * grow with its depth.
 */
public record RunQuery(String status, String taskId, String launchedBy, Instant from, Instant to, String sort, boolean ascending,
    int skip, int limit, String after) {

  private static final Duration ID_MARGIN = Duration.ofSeconds(1);
  // A UUIDv7 holds 48 bits of milliseconds since 1970: times outside them bound no ids.
  private static final Instant FIRST_BOUNDED = Instant.EPOCH.plus(ID_MARGIN);
  private static final Instant LAST_BOUNDED = Instant.ofEpochMilli((1L << 48) - 1).minus(ID_MARGIN);

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

  /** Whether a cursor can page this order: the creation order, the order of the ids alone. */
  public boolean pagesById() {
    return sortField().equals("createdAt");
  }

  /**
   * The store filter of this page: the query's filter, and past a cursor the ids beyond it (a
   * bound on the primary key: the store reads from there).
   */
  JsonObject pageFilter() {
    JsonObject filter = filter();
    if (after == null) {
      return filter;
    }
    JsonObject ids = filter.getJsonObject("_id", new JsonObject());
    if (ascending) {
      ids.put("$gt", after);
    } else {
      String before = ids.getString("$lt");
      ids.put("$lt", before != null && before.compareTo(after) < 0 ? before : after);
    }
    return filter.put("_id", ids);
  }

  /** The store filter of every run this query lists, on any page (what a page's total counts). */
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
      JsonObject ids = idBounds();
      if (!ids.isEmpty()) {
        filter.put("_id", ids);
      }
    }
    return filter;
  }

  /**
   * The ids a creation-time range can hold: a run's {@code createdAt} is its id's millisecond, so
   * the store reads only the runs of the range ({@code _id} is its primary key), and the exact
   * {@code createdAt} condition decides. A second of margin keeps runs stored by earlier versions,
   * whose {@code createdAt} came from a clock reading a millisecond or two after their id's.
   */
  private JsonObject idBounds() {
    JsonObject ids = new JsonObject();
    if (from != null && !from.isBefore(FIRST_BOUNDED)) {
      ids.put("$gte", TimeOrderedIds.floor(from.minus(ID_MARGIN)));
    }
    if (to != null && to.isBefore(LAST_BOUNDED)) {
      ids.put("$lt", TimeOrderedIds.floor(to.plus(ID_MARGIN)));
    }
    return ids;
  }
}
