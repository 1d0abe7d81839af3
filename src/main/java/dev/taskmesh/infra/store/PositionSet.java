package dev.taskmesh.infra.store;

import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The positions of the documents one indexed value holds, in the collection's order, with their
 * number kept as they come and go: a skip list counts its elements by walking them all, and the
 * index asks for the size of every set a query pins, on every query (a run list's total is one).
 */
final class PositionSet<P> implements Iterable<P> {

  private final ConcurrentSkipListSet<P> positions;
  private final AtomicInteger size = new AtomicInteger();

  PositionSet(Comparator<? super P> order) {
    positions = new ConcurrentSkipListSet<>(order);
  }

  void add(P position) {
    if (positions.add(position)) {
      size.incrementAndGet();
    }
  }

  void remove(P position) {
    if (positions.remove(position)) {
      size.decrementAndGet();
    }
  }

  /** The instance this set holds for {@code position}'s place, or null. */
  P held(P position) {
    P same = positions.ceiling(position);
    return same != null && positions.comparator().compare(same, position) == 0 ? same : null;
  }

  boolean contains(P position) {
    return positions.contains(position);
  }

  /**
   * How many positions it holds, in O(1). A reader that overlaps a write may see the position
   * before the number moves; never a negative number.
   */
  int size() {
    return Math.max(0, size.get());
  }

  boolean isEmpty() {
    return positions.isEmpty();
  }

  @Override
  public Iterator<P> iterator() {
    return positions.iterator();
  }
}
