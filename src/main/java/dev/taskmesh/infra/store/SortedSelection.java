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

  /** A matching document with its sort keys and its place in the input (the tiebreaker). */
  private record Keyed(Object[] keys, long order, Document document) {}

  /** True when {@link #page} handles this sort: one or more fields, no {@code $natural} order. */
  static boolean handles(Document orderBy) {
    return orderBy != null && !orderBy.isEmpty() && !orderBy.containsKey("$natural");
  }

  /** The documents of {@code matching} in {@code orderBy}'s order, {@code skip} dropped, at most {@code limit} (0: all). */
  static List<Document> page(Stream<Document> matching, Document orderBy, int skip, int limit) {
    String[] fields = orderBy.keySet().toArray(String[]::new);
    ValueComparator[] directions = new ValueComparator[fields.length];
    int[] signs = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      boolean ascending = ((Number) orderBy.get(fields[i])).intValue() > 0;
      directions[i] = ascending ? ValueComparator.asc() : ValueComparator.desc();
      signs[i] = ascending ? 1 : -1;
    }
    Comparator<Keyed> order = (a, b) -> {
      for (int i = 0; i < directions.length; i++) {
        int cmp = compare(a.keys[i], b.keys[i], directions[i], signs[i]);
        if (cmp != 0) {
          return cmp;
        }
      }
      return Long.compare(a.order, b.order);
    };
    long keep = limit > 0 ? (long) Math.max(0, skip) + limit : Long.MAX_VALUE;
    List<Keyed> selected = keep <= MAX_HEAP ? best(matching, fields, order, (int) keep) : all(matching, fields);
    selected.sort(order);
    int from = Math.min(Math.max(0, skip), selected.size());
    int to = limit > 0 ? (int) Math.min(selected.size(), (long) from + limit) : selected.size();
    List<Document> page = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      page.add(selected.get(i).document);
    }
    return page;
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

  private static List<Keyed> best(Stream<Document> matching, String[] fields, Comparator<Keyed> order, int keep) {
    PriorityQueue<Keyed> worstFirst = new PriorityQueue<>(keep + 1, order.reversed());
    long[] seen = {0};
    matching.forEach(document -> {
      Keyed keyed = keyed(document, fields, seen[0]++);
      if (worstFirst.size() < keep) {
        worstFirst.add(keyed);
      } else if (order.compare(keyed, worstFirst.peek()) < 0) {
        worstFirst.poll();
        worstFirst.add(keyed);
      }
    });
    return new ArrayList<>(worstFirst);
  }

  private static List<Keyed> all(Stream<Document> matching, String[] fields) {
    List<Keyed> everything = new ArrayList<>();
    long[] seen = {0};
    matching.forEach(document -> everything.add(keyed(document, fields, seen[0]++)));
    return everything;
  }

  private static Keyed keyed(Document document, String[] fields, long order) {
    Object[] keys = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      keys[i] = sortKey(document, fields[i]);
    }
    return new Keyed(keys, order, document);
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
