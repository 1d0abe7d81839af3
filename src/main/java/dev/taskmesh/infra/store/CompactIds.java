package dev.taskmesh.infra.store;

import java.util.Comparator;
import java.util.UUID;

/**
 * Keys of the in-memory indexes ({@link MemoryIndexes}) for a collection keyed by {@code _id}:
 * an id in the canonical UUID text form (every run id: lowercase hex, dashes at 8, 13, 18, 23) is
 * held as its 128 bits, 32 bytes, instead of a 36-character string, 80 bytes. The indexes hold
 * one key per stored run for as long as the store keeps it, so this is a third of what a stored
 * run costs the heap (docs/benchmarks.md). Any other id is held as it is.
 *
 * <p>The two forms sort alike: canonical UUID strings of equal length compare as their 128 bits,
 * unsigned. Mixed pairs compare through the text, in the collection's own key order.
 */
final class CompactIds {

  /** A canonical UUID id as its bits. */
  record CompactId(long mostSignificant, long leastSignificant) implements Comparable<CompactId> {
    @Override
    public int compareTo(CompactId other) {
      int high = Long.compareUnsigned(mostSignificant, other.mostSignificant);
      return high != 0 ? high : Long.compareUnsigned(leastSignificant, other.leastSignificant);
    }

    @Override
    public String toString() {
      return new UUID(mostSignificant, leastSignificant).toString();
    }
  }

  private CompactIds() {}

  /** The index key of a position: its bits for a canonical UUID string, else the position itself. */
  static Object compact(Object position) {
    if (!(position instanceof String id) || id.length() != 36) {
      return position;
    }
    long high = 0;
    long low = 0;
    int digits = 0;
    for (int i = 0; i < 36; i++) {
      char c = id.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return position;
        }
        continue;
      }
      int value = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (value < 0) {
        return position; // upper case or not hex: not the form UUID.toString() gives back
      }
      if (digits < 16) {
        high = high << 4 | value;
      } else {
        low = low << 4 | value;
      }
      digits++;
    }
    return new CompactId(high, low);
  }

  /** The position an index key stands for (the id string back for a compact one). */
  static Object expand(Object key) {
    return key instanceof CompactId compact ? compact.toString() : key;
  }

  /** The order of index keys that agrees with {@code keyOrder}, the collection's order of positions. */
  static Comparator<Object> order(Comparator<Object> keyOrder) {
    return (a, b) -> a instanceof CompactId x && b instanceof CompactId y ? x.compareTo(y) : keyOrder.compare(expand(a), expand(b));
  }
}
