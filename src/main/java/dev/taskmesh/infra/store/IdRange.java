package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * A query that bounds {@code _id} by strings ({@code {_id: {$lt: "..."}, ...}}, with any of
 * {@code $gt}, {@code $gte}, {@code $lt}, {@code $lte}). The H2 backend keys its data map by
 * {@code _id}, so such a query reads only the keys in its range; mongo-java-server would decode and
 * match every stored document. Run ids are time-ordered, so "runs made before a time" is such a
 * range: the retention sweep deletes old runs this way without touching the recent ones.
 */
final class IdRange {

  private static final String ID = "_id";

  private final String from;
  private final boolean fromExcluded;
  private final String to;
  private final boolean toExcluded;
  private final boolean descending;

  private IdRange(String from, boolean fromExcluded, String to, boolean toExcluded, boolean descending) {
    this.from = from;
    this.fromExcluded = fromExcluded;
    this.to = to;
    this.toExcluded = toExcluded;
    this.descending = descending;
  }

  /**
   * The range of a query, or null when the query does not bound {@code _id} by strings alone, or
   * asks for an order other than the map's own ({@code _id} ascending or descending alone): then
   * the stock path answers.
   */
  static IdRange of(Document query, Document orderBy) {
    boolean byId = orderBy != null && orderBy.size() == 1 && orderBy.get(ID) instanceof Number;
    boolean keyOrder = orderBy == null || orderBy.isEmpty() || byId;
    if (!keyOrder || query == null || !(query.get(ID) instanceof Document bounds) || bounds.isEmpty()) {
      return null;
    }
    String from = null;
    boolean fromExcluded = false;
    String to = null;
    boolean toExcluded = false;
    for (Map.Entry<String, Object> bound : bounds.entrySet()) {
      if (!(bound.getValue() instanceof String value)) {
        return null;
      }
      boolean excluded = bound.getKey().equals("$gt") || bound.getKey().equals("$lt");
      switch (bound.getKey()) {
        case "$gt", "$gte" -> {
          int cmp = from == null ? 1 : value.compareTo(from);
          fromExcluded = cmp > 0 ? excluded : cmp == 0 ? fromExcluded || excluded : fromExcluded;
          from = cmp > 0 ? value : from;
        }
        case "$lt", "$lte" -> {
          int cmp = to == null ? -1 : value.compareTo(to);
          toExcluded = cmp < 0 ? excluded : cmp == 0 ? toExcluded || excluded : toExcluded;
          to = cmp < 0 ? value : to;
        }
        default -> {
          return null;
        }
      }
    }
    return new IdRange(from, fromExcluded, to, toExcluded, byId && ((Number) orderBy.get(ID)).intValue() < 0);
  }

  /** True when the range is read last key first (the query sorts by {@code _id} descending). */
  boolean descending() {
    return descending;
  }

  /**
   * The stored values whose keys lie in the range, exactly (an excluded bound's own key is
   * skipped), in the order asked for: the {@code _id} condition is answered, the rest of the
   * query is left to the caller.
   */
  Stream<Object> values(MVMap<Object, Object> data) {
    Cursor<Object, Object> cursor = descending ? data.cursor(to, from, true) : data.cursor(from, to, false);
    return values(cursor, key -> !(fromExcluded && key.equals(from) || toExcluded && key.equals(to)));
  }

  /**
   * The positions of {@code ascending} (index positions in key order, as {@link CompactIds} holds
   * them; {@code positionOrder} is that order) that lie in the range, in the order asked for. Lazy:
   * a page stops reading once it is full.
   */
  Stream<Object> within(List<Object> ascending, Comparator<Object> positionOrder) {
    Object low = from == null ? null : CompactIds.compact(from);
    Object high = to == null ? null : CompactIds.compact(to);
    Predicate<Object> below = position -> {
      int cmp = low == null ? 1 : positionOrder.compare(position, low);
      return cmp < 0 || cmp == 0 && fromExcluded;
    };
    Predicate<Object> above = position -> {
      int cmp = high == null ? -1 : positionOrder.compare(position, high);
      return cmp > 0 || cmp == 0 && toExcluded;
    };
    int size = ascending.size();
    Stream<Object> ordered = (descending ? IntStream.range(0, size).map(i -> size - 1 - i) : IntStream.range(0, size)).mapToObj(ascending::get);
    return descending ? ordered.dropWhile(above).takeWhile(below.negate()) : ordered.dropWhile(below).takeWhile(above.negate());
  }

  /** The values a cursor walks over, as a lazy stream. */
  static Stream<Object> values(Cursor<Object, Object> cursor) {
    return values(cursor, key -> true);
  }

  /** The values of the keys {@code wanted} accepts, of those a cursor walks over, as a lazy stream. */
  private static Stream<Object> values(Cursor<Object, Object> cursor, Predicate<Object> wanted) {
    Iterator<Object> keys = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Object next() {
        return cursor.next();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(keys, Spliterator.ORDERED), false)
        .filter(wanted)
        .map(key -> cursor.getValue());
  }
}
