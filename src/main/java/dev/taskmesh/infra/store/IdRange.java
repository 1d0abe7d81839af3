package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
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
  private final String to;

  private IdRange(String from, String to) {
    this.from = from;
    this.to = to;
  }

  /**
   * The range of a query, or null when the query does not bound {@code _id} by strings alone, or
   * asks for an order other than the map's own ({@code _id} ascending): then the stock path answers.
   */
  static IdRange of(Document query, Document orderBy) {
    boolean keyOrder = orderBy == null || orderBy.isEmpty() || orderBy.size() == 1 && Objects.equals(orderBy.get(ID), 1);
    if (!keyOrder || query == null || !(query.get(ID) instanceof Document bounds) || bounds.isEmpty()) {
      return null;
    }
    String from = null;
    String to = null;
    for (Map.Entry<String, Object> bound : bounds.entrySet()) {
      if (!(bound.getValue() instanceof String value)) {
        return null;
      }
      switch (bound.getKey()) {
        case "$gt", "$gte" -> from = from == null || value.compareTo(from) > 0 ? value : from;
        case "$lt", "$lte" -> to = to == null || value.compareTo(to) < 0 ? value : to;
        default -> {
          return null;
        }
      }
    }
    return new IdRange(from, to);
  }

  /**
   * The stored values whose keys lie in the range, bounds included, in key order: a superset of
   * the answer (exclusive bounds and the rest of the query are left to the caller's matcher).
   */
  Stream<Object> values(MVMap<Object, Object> data) {
    return values(data.cursor(from, to, false));
  }

  /** The values a cursor walks over, as a lazy stream. */
  static Stream<Object> values(Cursor<Object, Object> cursor) {
    Iterator<Object> values = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return cursor.hasNext();
      }

      @Override
      public Object next() {
        cursor.next();
        return cursor.getValue();
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(values, Spliterator.ORDERED), false);
  }
}
