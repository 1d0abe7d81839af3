package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;

/**
 * The stored (packed) values a scan of an {@link IndexedH2Collection} reads: where the in-memory
 * indexes narrow a query to fewer than half the documents, only theirs, else every value of the
 * data map or of an {@code _id} range.
 */
final class StoredValues {

  private final MVMap<Object, Object> data;
  private final MemoryIndexes<Object> indexes; // keyed by CompactIds
  private final Comparator<Object> positionOrder;
  private final IntSupplier count;

  StoredValues(MVMap<Object, Object> data, MemoryIndexes<Object> indexes, Comparator<Object> positionOrder, IntSupplier count) {
    this.data = data;
    this.indexes = indexes;
    this.positionOrder = positionOrder;
    this.count = count;
  }

  /**
   * The stored values in {@code range} that may match {@code rest}: when {@code rest} pins indexed
   * values held by fewer than half the documents (a task's runs), the positions of those documents
   * in the range, else every key of the range. A cursor page of a task's runs, newest first, walked
   * the range, so its last page (nothing older of that task) read every older run of every task:
   * 170–220 ms with ~600,000 runs stored, under the collection's lock (docs/benchmarks.md).
   */
  Stream<Object> in(IdRange range, Document rest) {
    return indexes.candidates(rest, Math.max(1, count.getAsInt() / 2))
        .map(positions -> range.within(positions, positionOrder).map(key -> data.get(CompactIds.expand(key))).filter(Objects::nonNull))
        .orElseGet(() -> range.values(data));
  }

  /**
   * The stored values a scan of {@code query} reads: the documents its indexed fields narrow it to
   * ({@link MemoryIndexes}), else all of them, in key order or from the last key.
   */
  Stream<Object> of(Document query, boolean lastKeyFirst) {
    return indexes.candidates(query, Math.max(1, count.getAsInt() / 2))
        .map(positions -> (lastKeyFirst ? lastFirst(positions) : positions.stream())
            .map(key -> data.get(CompactIds.expand(key))).filter(Objects::nonNull))
        .orElseGet(() -> lastKeyFirst ? valuesLastKeyFirst() : data.values().stream());
  }

  private static Stream<Object> lastFirst(List<Object> positions) {
    return java.util.stream.IntStream.range(0, positions.size()).mapToObj(i -> positions.get(positions.size() - 1 - i));
  }

  private Stream<Object> valuesLastKeyFirst() {
    return IdRange.values(data.cursor(null, null, true));
  }
}
