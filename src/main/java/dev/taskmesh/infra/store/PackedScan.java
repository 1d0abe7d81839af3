package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A query over stored documents that reads their packed bytes ({@link PackedDocument}) instead of
 * decoding each one. A run list filtered by status or task and sorted by creation time matches tens
 * of thousands of runs to return twenty; decoding each (dozens of objects) was most of its cost.
 * Here the filter's fields and the sort keys are read where they lie ({@link RawBson}), and only
 * the page is decoded.
 *
 * <p>It handles filters made of top-level equalities to a string or a boolean and top-level date
 * ranges ({@code $gte}, {@code $gt}, {@code $lt}, {@code $lte} of dates), sorted by top-level
 * fields or not at all. For each document it either knows the answer from the raw value (a string
 * compared with a string, a date with a date) or decodes the document and asks the stock matcher,
 * so an array, a missing field or any other type is judged exactly as before.
 */
final class PackedScan {

  private static final String ID = "_id";

  private final String[] filterFields;
  private final Object[] conditions; // String, Boolean or Range, per filter field
  private final String[] sortFields;
  private final byte[][] names;      // the filter fields, then the sort fields
  private final Document query;
  private final Document orderBy;
  private final boolean idsOnly;

  private record Range(Instant gte, Instant gt, Instant lt, Instant lte) {
    boolean contains(Instant value) {
      return (gte == null || value.compareTo(gte) >= 0) && (gt == null || value.compareTo(gt) > 0)
          && (lt == null || value.compareTo(lt) < 0) && (lte == null || value.compareTo(lte) <= 0);
    }
  }

  private PackedScan(String[] filterFields, Object[] conditions, String[] sortFields, Document query, Document orderBy, boolean idsOnly) {
    this.filterFields = filterFields;
    this.conditions = conditions;
    this.sortFields = sortFields;
    this.query = query;
    this.orderBy = orderBy;
    this.idsOnly = idsOnly;
    String[] all = new String[filterFields.length + sortFields.length + 1];
    System.arraycopy(filterFields, 0, all, 0, filterFields.length);
    System.arraycopy(sortFields, 0, all, filterFields.length, sortFields.length);
    all[all.length - 1] = ID;
    names = RawBson.names(all);
  }

  /**
   * The scan for this query, sort and projection, or null when it is not of the handled shape.
   * With the projection {@code {_id: 1}} (how the {@code count} command queries), matching
   * documents are returned as their id alone, so a count decodes nothing.
   */
  static PackedScan of(Document query, Document orderBy, Document projection) {
    boolean sorted = orderBy != null && !orderBy.isEmpty();
    if (sorted && !SortedSelection.handles(orderBy) || query == null || query.containsKey(ID)) {
      return null; // a query on _id goes through the _id index (Candidates), not a scan
    }
    List<String> fields = new ArrayList<>();
    List<Object> conditions = new ArrayList<>();
    for (Map.Entry<String, Object> entry : query.entrySet()) {
      Object condition = condition(entry.getValue());
      if (!plainField(entry.getKey()) || condition == null) {
        return null;
      }
      fields.add(entry.getKey());
      conditions.add(condition);
    }
    String[] sortFields = sorted ? orderBy.keySet().toArray(String[]::new) : new String[0];
    for (String field : sortFields) {
      if (!plainField(field)) {
        return null;
      }
    }
    boolean idsOnly = projection != null && projection.size() == 1 && Objects.equals(projection.get(ID), 1);
    return new PackedScan(fields.toArray(String[]::new), conditions.toArray(), sortFields, query, orderBy, idsOnly);
  }

  private static boolean plainField(String field) {
    return !field.isEmpty() && field.indexOf('.') < 0 && !field.startsWith("$");
  }

  private static Object condition(Object value) {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (!(value instanceof Document operators) || operators.isEmpty()) {
      return null;
    }
    Instant[] bounds = new Instant[4];
    List<String> known = List.of("$gte", "$gt", "$lt", "$lte");
    for (Map.Entry<String, Object> operator : operators.entrySet()) {
      int at = known.indexOf(operator.getKey());
      if (at < 0 || !(operator.getValue() instanceof Instant bound)) {
        return null;
      }
      bounds[at] = bound;
    }
    return new Range(bounds[0], bounds[1], bounds[2], bounds[3]);
  }

  /**
   * True when the collection should stream its documents last key first. Runs are keyed by
   * time-ordered ids, so for the usual newest-first list the documents then arrive nearly in the
   * order asked for, and a limited page's heap turns most of them away with one comparison; read
   * oldest first, every run displaced the heap's worst (two heap operations each, most of a
   * status-filtered list's time).
   */
  boolean wantsLastKeyFirst() {
    return sortFields.length > 0 && ((Number) orderBy.get(sortFields[0])).intValue() < 0;
  }

  /**
   * The page of the stored values (packed or not) that match, in order, as documents: only these are
   * decoded. {@code matcher} is the collection's own matcher, for documents the raw values do not
   * decide. {@code lastKeyFirst}: {@code stored} comes in descending key order (ties on every sort
   * key still keep ascending key order, as the stock stable sort keeps them).
   */
  List<Document> page(Supplier<Stream<Object>> stored, boolean lastKeyFirst, int skip, int limit, BiPredicate<Document, Document> matcher) {
    if (sortFields.length == 1 && sortFields[0].equals(ID) && limit > 0) {
      List<Document> cut = pageInKeyOrder(stored.get(), skip, limit, matcher);
      if (cut != null) {
        return cut;
      }
    }
    long[] seen = {0};
    long step = lastKeyFirst ? -1 : 1;
    Stream<SortedSelection.Keyed> matching = stored.get().map(value -> keyed(value, matcher, seen[0] += step)).filter(Objects::nonNull);
    if (sortFields.length > 0) {
      matching = SortedSelection.select(matching, orderBy, skip, limit).stream();
    } else {
      matching = matching.skip(Math.max(0, skip)); // unsorted: in the order the collection streams
      matching = limit > 0 ? matching.limit(limit) : matching;
    }
    return matching.map(this::document).toList();
  }

  /**
   * The page of a query sorted by {@code _id} alone, cut as the stored values are read: they come in
   * the order of their keys, which are the ids, so the first {@code skip + limit} that match are the
   * page, whatever the collection holds beyond them. A newest-first list of a few runs among a
   * million reads a few runs. Null when an id that is not a string is met before the page is full:
   * the map orders keys of different types otherwise than a query's sort does, so the caller sorts.
   */
  private List<Document> pageInKeyOrder(Stream<Object> stored, int skip, int limit, BiPredicate<Document, Document> matcher) {
    List<Document> page = new ArrayList<>(limit);
    long toSkip = Math.max(0, skip);
    Iterator<Object> values = stored.iterator();
    while (page.size() < limit && values.hasNext()) {
      SortedSelection.Keyed matching = keyed(values.next(), matcher, 0);
      if (matching == null) {
        continue;
      }
      if (!(matching.keys()[0] instanceof String)) {
        return null;
      }
      if (toSkip > 0) {
        toSkip--;
      } else {
        page.add(document(matching));
      }
    }
    return page;
  }

  /** How many of the stored values (packed or not) match, without keeping any of them. */
  long count(Stream<Object> stored, BiPredicate<Document, Document> matcher) {
    return stored.filter(value -> matches(value, matcher)).count();
  }

  private boolean matches(Object stored, BiPredicate<Document, Document> matcher) {
    if (!(stored instanceof PackedDocument packed)) {
      return matcher.test((Document) stored, query);
    }
    Boolean matches = matches(RawBson.read(packed.bson, names));
    return matches != null ? matches : matcher.test(PackedDocument.unpack(packed), query);
  }

  /** The value with its sort keys if it matches, else null. */
  private SortedSelection.Keyed keyed(Object stored, BiPredicate<Document, Document> matcher, long order) {
    if (!(stored instanceof PackedDocument packed)) {
      return decoded((Document) stored, matcher, order);
    }
    Object[] values = RawBson.read(packed.bson, names);
    Boolean matches = matches(values);
    if (matches == null) {
      return decoded(PackedDocument.unpack(packed), matcher, order);
    }
    if (!matches) {
      return null;
    }
    Object[] keys = new Object[sortFields.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = values[filterFields.length + i];
      if (keys[i] == RawBson.UNREAD) { // a sort key of a type not read in place: the whole document decides
        Document document = PackedDocument.unpack(packed);
        return new SortedSelection.Keyed(SortedSelection.keysOf(document, sortFields), order, document);
      }
    }
    return new SortedSelection.Keyed(keys, order, idsOnly ? idOnly(packed, values[values.length - 1]) : packed);
  }

  /** A decoded document, judged by the collection's own matcher. */
  private SortedSelection.Keyed decoded(Document document, BiPredicate<Document, Document> matcher, long order) {
    return matcher.test(document, query) ? new SortedSelection.Keyed(SortedSelection.keysOf(document, sortFields), order, document) : null;
  }

  /** True or false when the raw values decide the filter, null when the document must be decoded to. */
  private Boolean matches(Object[] values) {
    boolean all = true;
    for (int i = 0; i < conditions.length; i++) {
      Object value = values[i];
      Object condition = conditions[i];
      boolean decided = condition instanceof Range range ? value instanceof Instant : value instanceof String || value instanceof Boolean;
      if (!decided) {
        return null; // an array, a missing field, another type: the stock matcher's rules apply
      }
      all &= condition instanceof Range range ? range.contains((Instant) value) : condition.equals(value);
    }
    return all;
  }

  /**
   * True when the stored bytes alone show that a document fails {@code query}: one of its top-level
   * string or boolean equalities meets a stored string or boolean that differs. A conjunction with
   * one false term is false, whatever its other terms say, so the document need not be decoded.
   * False means "not shown here" (the caller decodes and matches as usual).
   */
  static boolean surelyUnmatched(Object stored, Document query) {
    if (!(stored instanceof PackedDocument packed) || query.isEmpty()) {
      return false;
    }
    List<String> fields = new ArrayList<>(query.size());
    for (Map.Entry<String, Object> entry : query.entrySet()) {
      if (plainField(entry.getKey()) && (entry.getValue() instanceof String || entry.getValue() instanceof Boolean)) {
        fields.add(entry.getKey());
      }
    }
    if (fields.isEmpty()) {
      return false;
    }
    Object[] values = RawBson.read(packed.bson, RawBson.names(fields.toArray(String[]::new)));
    for (int i = 0; i < fields.size(); i++) {
      Object value = values[i];
      if ((value instanceof String || value instanceof Boolean) && !value.equals(query.get(fields.get(i)))) {
        return true;
      }
    }
    return false;
  }

  private static Object idOnly(PackedDocument packed, Object id) {
    return id instanceof String ? new Document(ID, id) : packed;
  }

  private Document document(SortedSelection.Keyed keyed) {
    return keyed.item() instanceof Document document ? document : PackedDocument.unpack(keyed.item());
  }
}
