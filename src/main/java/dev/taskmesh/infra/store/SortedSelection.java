package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * The sorted page of a query, as mongo-java-server's {@code DocumentComparator} would order it, for
 * less. The stock path sorts every matching document and then skips and limits, and its comparator
 * looks each sort key up in both documents at every comparison (a dotted-path split each time). A
 * page of runs ({@code GET /api/runs?taskId=…&status=…&size=1}, which the benchmark polls every
 * second while tens of thousands of runs match) then costs a full sort. Here each document's sort
 * keys are read once, and a limited query keeps only the best {@code skip + limit} in a bounded
 * heap: O(n log k) instead of O(n log n) comparisons, each of the values alone. Equal keys keep the
 * order the documents came in, as the stock stable sort does.
 */
final class SortedSelection {

  /** Beyond this many kept documents a full sort is as good as a heap. */
  private static final int MAX_HEAP = 10_000;

  private SortedSelection() {}

  /** A matching item (a document, or one still packed) with its sort keys and its place in the input (the tiebreaker). */
  record Keyed(Object[] keys, long order, Object item) {}

  /** True when {@link #page} handles this sort: one or more fields, no {@code $natural} order. */
  static boolean handles(Document orderBy) {
    return orderBy != null && !orderBy.isEmpty() && !orderBy.containsKey("$natural");
  }

  /** The documents of {@code matching} in {@code orderBy}'s order, {@code skip} dropped, at most {@code limit} (0: all). */
  static List<Document> page(Stream<Document> matching, Document orderBy, int skip, int limit) {
    String[] fields = orderBy.keySet().toArray(String[]::new);
    long[] seen = {0};
    List<Document> page = new ArrayList<>();
    for (Keyed keyed : select(matching.map(document -> new Keyed(keysOf(document, fields), seen[0]++, document)), orderBy, skip, limit)) {
      page.add((Document) keyed.item());
    }
    return page;
  }

  /** The keyed items of {@code matching} in {@code orderBy}'s order, {@code skip} dropped, at most {@code limit} (0: all). */
  static List<Keyed> select(Stream<Keyed> matching, Document orderBy, int skip, int limit) {
    Comparator<Keyed> order = comparator(orderBy);
    long keep = limit > 0 ? (long) Math.max(0, skip) + limit : Long.MAX_VALUE;
    List<Keyed> selected = keep <= MAX_HEAP ? best(matching, order, (int) keep) : new ArrayList<>(matching.toList());
    selected.sort(order);
    int from = Math.min(Math.max(0, skip), selected.size());
    int to = limit > 0 ? (int) Math.min(selected.size(), (long) from + limit) : selected.size();
    return selected.subList(from, to);
  }

  private static Comparator<Keyed> comparator(Document orderBy) {
    int fields = orderBy.size();
    ValueComparator[] directions = new ValueComparator[fields];
    int[] signs = new int[fields];
    int i = 0;
    for (Object direction : orderBy.values()) {
      boolean ascending = ((Number) direction).intValue() > 0;
      directions[i] = ascending ? ValueComparator.asc() : ValueComparator.desc();
      signs[i++] = ascending ? 1 : -1;
    }
    return (a, b) -> {
      for (int k = 0; k < fields; k++) {
        int cmp = compare(a.keys[k], b.keys[k], directions[k], signs[k]);
        if (cmp != 0) {
          return cmp;
        }
      }
      return Long.compare(a.order, b.order);
    };
  }

  /**
   * Two strings or two instants compare as {@link ValueComparator} compares them once it has found
   * their types equal, which it does by ranking both types on every call: at a deep page that
   * ranking was most of the sort. Anything else goes to the stock comparator.
   */
  private static int compare(Object a, Object b, ValueComparator direction, int sign) {
    if (a instanceof String left && b instanceof String right) {
      return sign * left.compareTo(right);
    }
    if (a instanceof Instant left && b instanceof Instant right) {
      return sign * left.compareTo(right);
    }
    return direction.compare(a, b);
  }

  private static List<Keyed> best(Stream<Keyed> matching, Comparator<Keyed> order, int keep) {
    PriorityQueue<Keyed> worstFirst = new PriorityQueue<>(keep + 1, order.reversed());
    matching.forEach(keyed -> {
      if (worstFirst.size() < keep) {
        worstFirst.add(keyed);
      } else if (order.compare(keyed, worstFirst.peek()) < 0) {
        worstFirst.poll();
        worstFirst.add(keyed);
      }
    });
    return new ArrayList<>(worstFirst);
  }

  /** The document's sort keys, in the order of {@code fields}. */
  static Object[] keysOf(Document document, String[] fields) {
    Object[] keys = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      keys[i] = sortKey(document, fields[i]);
    }
    return keys;
  }

  /**
   * A top-level field is the document's own entry ({@code Missing} when absent), which is what
   * the stock lookup returns for it after splitting the path with a regular expression: at a deep
   * page that split ran for every run of the task and was most of the page's allocation.
   */
  private static Object sortKey(Document document, String field) {
    if (field.indexOf('.') < 0 && !field.equals("$") && !field.isEmpty()) {
      return document.getOrMissing(field);
    }
    return Utils.getSubdocumentValueCollectionAware(document, field);
  }
}
