package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many documents hold each combination of values of some groups of fields, for example
 * {@code (launchedBy, status)}: a run list's total for one user and status. A count needs no
 * positions, so these cost a map entry per distinct combination (a few per user and task), where
 * an index set costs an entry per document. Only string values are counted, as {@link MemoryIndexes}
 * indexes only strings; a document lacking a field, or holding another type, is left out of that
 * group's counts, and a query on such values is not answered here.
 */
final class CombinationCounts {

  private final List<List<String>> groups;
  // Key: the group's index, then its fields' values in the group's (sorted) field order.
  private final Map<List<Object>, Integer> counts = new ConcurrentHashMap<>();

  CombinationCounts(Collection<Set<String>> groups) {
    this.groups = groups.stream().map(fields -> fields.stream().sorted().toList()).toList();
  }

  /** A document was stored: {@code before} is what was there (null for a new one). */
  void stored(Document before, Document after) {
    for (int group = 0; group < groups.size(); group++) {
      List<Object> old = before == null ? null : key(group, before);
      List<Object> now = key(group, after);
      if (!Objects.equals(old, now)) {
        uncount(old);
        if (now != null) {
          counts.merge(now, 1, Integer::sum);
        }
      }
    }
  }

  void removed(Document document) {
    for (int group = 0; group < groups.size(); group++) {
      uncount(key(group, document));
    }
  }

  /**
   * The number of documents matching {@code query} when it is exactly one group's fields, each
   * equal to a string; empty otherwise.
   */
  OptionalLong count(Document query) {
    for (int group = 0; group < groups.size(); group++) {
      if (groups.get(group).size() == query.size()) {
        List<Object> key = key(group, query);
        if (key != null) {
          return OptionalLong.of(counts.getOrDefault(key, 0));
        }
      }
    }
    return OptionalLong.empty();
  }

  private List<Object> key(int group, Document document) {
    List<String> fields = groups.get(group);
    List<Object> key = new ArrayList<>(fields.size() + 1);
    key.add(group);
    for (String field : fields) {
      Object value = document.get(field);
      if (!(value instanceof String)) {
        return null;
      }
      key.add(value);
    }
    return key;
  }

  private void uncount(List<Object> key) {
    if (key != null) {
      counts.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
    }
  }
}
