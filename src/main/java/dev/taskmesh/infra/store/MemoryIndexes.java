package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory equality indexes for the embedded store, which has no secondary indexes of its own:
 * <ul>
 *   <li>a <em>flag</em> field is indexed for one rare value only, for example runs with
 *       {@code outbox: true} (accepted, not yet published) or {@code final: false} (not finished):
 *       the pipeline's periodic sweeps ask exactly for these, and without an index they scanned
 *       every run ever stored, once a second, so the system slowed as history grew;</li>
 *   <li>a <em>key</em> field is indexed for every value, for example a run's {@code taskId}
 *       (the runs of one task) or its {@code status}.</li>
 * </ul>
 * A query that pins indexed fields starts from the positions all their sets share (walking the
 * smallest) and the collection matches the rest of the query on them: the same answer, in time
 * proportional to the smallest set.
 *
 * <p>Each set keeps its positions in the collection's own order, so candidates come in the order a
 * scan would meet them: ties of a sort keep the stock order, and a newest-first page can walk them
 * from the end. Rebuilt when a collection opens and updated by the collection on every insert,
 * update and delete. Thread-safe: mongo-java-server may read while another thread writes.
 *
 * @param <P> a document's position in its collection
 */
final class MemoryIndexes<P> {

  /**
   * What the embedded store indexes: flag field → its indexed value; key fields; groups of fields
   * whose combinations of values are counted (not indexed: {@link CombinationCounts}).
   */
  record Spec(Map<String, Object> flags, Set<String> keys, Set<Set<String>> counted) {
    Spec(Map<String, Object> flags, Set<String> keys) {
      this(flags, keys, Set.of());
    }
  }

  private final Spec spec;
  private final Comparator<? super P> positionOrder;
  private final Map<String, PositionSet<P>> flagged = new ConcurrentHashMap<>();
  private final Map<String, Map<Object, PositionSet<P>>> keyed = new ConcurrentHashMap<>();
  private final PositionSet<P> none;
  private final CombinationCounts counted;

  /** {@code positionOrder}: the order in which the collection scans its documents. */
  MemoryIndexes(Spec spec, Comparator<? super P> positionOrder) {
    this.spec = spec;
    this.positionOrder = positionOrder;
    none = new PositionSet<>(positionOrder);
    counted = new CombinationCounts(spec.counted());
    spec.flags().keySet().forEach(field -> flagged.put(field, new PositionSet<>(positionOrder)));
    spec.keys().forEach(field -> keyed.put(field, new ConcurrentHashMap<>()));
  }

  /** A document was stored at {@code position}: {@code before} is what was there (null for a new one). */
  void stored(P position, Document before, Document after) {
    counted.stored(before, after);
    spec.flags().forEach((field, value) -> {
      if (value.equals(after.get(field))) {
        flagged.get(field).add(position);
      } else {
        flagged.get(field).remove(position);
      }
    });
    for (String field : spec.keys()) {
      Object old = before == null ? null : before.get(field);
      Object value = after.get(field);
      P kept = position;
      if (isKey(old) && !old.equals(value)) {
        kept = remove(field, old, position);
      }
      if (isKey(value)) {
        P adding = kept;
        // Inside the map's compute, so a concurrent removal of the last position cannot drop the set
        // this position is being added to.
        keyed.get(field).compute(value, (v, set) -> {
          PositionSet<P> holding = set == null ? new PositionSet<>(positionOrder) : set;
          holding.add(adding);
          return holding;
        });
      }
    }
  }

  /** The document at {@code position} (null if unknown) was deleted. */
  void removed(P position, Document document) {
    flagged.values().forEach(set -> set.remove(position));
    if (document != null) {
      counted.removed(document);
      for (String field : spec.keys()) {
        Object value = document.get(field);
        if (isKey(value)) {
          remove(field, value, position);
        }
      }
    }
  }

  /**
   * Removes a position from one key's set; returns the instance the set held (else {@code position}).
   * A status change moves a run from one set to another: moving the instance the sets already share
   * keeps one id string per run, where adding the update's own copy kept two, ~77 bytes a run for
   * as long as the store holds it.
   */
  private P remove(String field, Object value, P position) {
    Object[] held = {position};
    keyed.get(field).computeIfPresent(value, (v, set) -> {
      P same = set.held(position);
      if (same != null) {
        held[0] = same;
      }
      set.remove(position);
      return set.isEmpty() ? null : set;
    });
    @SuppressWarnings("unchecked")
    P kept = (P) held[0];
    return kept;
  }

  /**
   * The documents every indexed field the query pins exactly agrees on, in the collection's order,
   * or empty when no indexed field narrows it below {@code worthBelow} documents (COMPLETED is most
   * runs: a scan is cheaper). The smallest pinned set is walked and each position checked against
   * the other pinned sets, so {@code {taskId: t, status: "QUEUED"}} costs the few queued runs, not
   * the task's thousands.
   */
  Optional<List<P>> candidates(Document query, long worthBelow) {
    if (query == null) {
      return Optional.empty();
    }
    List<PositionSet<P>> pinned = pinnedSets(query);
    if (pinned.isEmpty()) {
      return Optional.empty();
    }
    PositionSet<P> smallest = pinned.get(0);
    if (smallest.size() >= worthBelow) {
      return Optional.empty(); // a position lookup per document costs more than reading them all in order
    }
    List<P> agreed = new ArrayList<>(smallest.size());
    for (P position : smallest) {
      if (inAllOthers(pinned, position)) {
        agreed.add(position);
      }
    }
    return Optional.of(agreed);
  }

  /**
   * How many documents match {@code query}, when every condition of it is an equality on an indexed
   * value: the number kept for its combination when it is one of the counted groups of fields
   * ({@link CombinationCounts}: {@code {taskId, status}}, {@code {launchedBy}}...), the size of the
   * one set it pins, or else the positions the smallest of its sets shares with the others. Empty
   * when any condition is something else (the collection counts by reading).
   * {@code {status: "COMPLETED"}}, a run list's total, no longer reads every stored run.
   */
  OptionalLong exactCount(Document query) {
    if (query == null || query.isEmpty()) {
      return OptionalLong.empty();
    }
    OptionalLong combination = counted.count(query);
    if (combination.isPresent()) {
      return combination;
    }
    for (Map.Entry<String, Object> condition : query.entrySet()) {
      String field = condition.getKey();
      boolean indexedFlag = spec.flags().containsKey(field) && spec.flags().get(field).equals(condition.getValue());
      boolean indexedKey = spec.keys().contains(field) && isKey(condition.getValue());
      if (!indexedFlag && !indexedKey) {
        return OptionalLong.empty();
      }
    }
    List<PositionSet<P>> pinned = pinnedSets(query);
    if (pinned.size() == 1) {
      return OptionalLong.of(pinned.get(0).size());
    }
    long shared = 0;
    for (P position : pinned.get(0)) {
      if (inAllOthers(pinned, position)) {
        shared++;
      }
    }
    return OptionalLong.of(shared);
  }

  /** What a count of {@code matching} documents reports with a count command's skip and limit. */
  static int page(long matching, int skip, int limit) {
    long counted = Math.max(0, matching - Math.max(0, skip));
    return (int) Math.min(limit > 0 ? Math.min(counted, limit) : counted, Integer.MAX_VALUE);
  }

  /** The sets of the indexed values {@code query} pins, smallest first. */
  private List<PositionSet<P>> pinnedSets(Document query) {
    List<PositionSet<P>> pinned = new ArrayList<>();
    for (Map.Entry<String, Object> flag : spec.flags().entrySet()) {
      if (flag.getValue().equals(query.get(flag.getKey()))) {
        pinned.add(flagged.get(flag.getKey()));
      }
    }
    for (String field : spec.keys()) {
      Object wanted = query.get(field);
      if (isKey(wanted)) {
        PositionSet<P> set = keyed.get(field).get(wanted);
        pinned.add(set != null ? set : none);
      }
    }
    pinned.sort(Comparator.comparingInt(PositionSet::size));
    return pinned;
  }

  private static <P> boolean inAllOthers(List<PositionSet<P>> pinned, P position) {
    for (int i = 1; i < pinned.size(); i++) {
      if (!pinned.get(i).contains(position)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isKey(Object value) {
    return value instanceof String; // a query value that is a document is an operator ($in, $gt...): not an equality
  }

}
