package dev.taskmesh.infra.store;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.StampedLock;

/**
 * The positions of the documents one indexed value holds, in the collection's order: sorted runs
 * of positions in small arrays ("chunks") instead of a skip list.
 *
 * <p>Why not {@code ConcurrentSkipListSet}: it keeps a node object per position and an index
 * object for about one in three, and every stored run sits in two sets (its task's and its
 * status's) for as long as the store keeps it. Those objects lived on through a dozen young
 * collections each before promotion, and G1 copied them every time (docs/benchmarks.md, the
 * seventeenth round's age table). Here a position costs one array slot, and a thousand positions
 * make about sixteen objects.
 *
 * <p>Run ids grow with time, so nearly every insert lands at the end: a full last chunk then
 * starts a new one rather than splitting, which keeps chunks full. Anywhere else a full chunk
 * splits in half; a chunk that falls under a quarter full merges with a neighbour.
 *
 * <p>Thread-safe: mongo-java-server may read while another thread writes. Writes take the lock;
 * lookups read optimistically and retry under the read lock if a write overlapped. An iterator
 * copies one chunk at a time under the read lock and resumes after the last position it gave, so
 * it is weakly consistent like the skip list's: in order, no position twice, every position present
 * throughout is seen, and those added or removed meanwhile may or may not be.
 */
final class PositionSet<P> implements Iterable<P> {

  static final int CHUNK = 64;
  private static final int FIRST_CHUNK_CAPACITY = 4;
  private static final Object[][] NO_CHUNKS = {};

  private final Comparator<? super P> order;
  private final StampedLock lock = new StampedLock();
  private Object[][] chunks = NO_CHUNKS; // each sorted, non-empty up to its count
  private int[] counts = new int[0];
  private int chunkCount;
  private volatile int size;

  PositionSet(Comparator<? super P> order) {
    this.order = order;
  }

  void add(P position) {
    long stamp = lock.writeLock();
    try {
      if (chunkCount == 0) {
        insertChunk(0, position);
      } else {
        int chunk = chunkFor(position);
        int slot = slotIn(chunk, position);
        if (slot >= 0) {
          return; // already held
        }
        insertAt(chunk, -slot - 1, position);
      }
      size = size + 1;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  void remove(P position) {
    long stamp = lock.writeLock();
    try {
      if (chunkCount == 0) {
        return;
      }
      int chunk = chunkFor(position);
      int slot = slotIn(chunk, position);
      if (slot < 0) {
        return;
      }
      Object[] items = chunks[chunk];
      int count = counts[chunk];
      System.arraycopy(items, slot + 1, items, slot, count - slot - 1);
      items[count - 1] = null;
      counts[chunk] = count - 1;
      size = size - 1;
      if (count - 1 == 0) {
        removeChunk(chunk);
      } else if (count - 1 < CHUNK / 4) {
        mergeWithNeighbour(chunk);
      }
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /** The instance this set holds for {@code position}'s place, or null. */
  P held(P position) {
    long stamp = lock.tryOptimisticRead();
    if (stamp != 0) {
      try {
        P found = find(position);
        if (lock.validate(stamp)) {
          return found;
        }
      } catch (RuntimeException overlappedAWrite) {
        // arrays read mid-write (an index out of bounds, a null): read again under the lock
      }
    }
    stamp = lock.readLock();
    try {
      return find(position);
    } finally {
      lock.unlockRead(stamp);
    }
  }

  boolean contains(P position) {
    return held(position) != null;
  }

  /** How many positions it holds, in O(1). */
  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Iterator<P> iterator() {
    return new ChunkIterator();
  }

  // ---- under the lock (write, read, or an optimistic read that is validated afterwards) ----

  private P find(P position) {
    if (chunkCount == 0) {
      return null;
    }
    int chunk = chunkFor(position);
    int slot = slotIn(chunk, position);
    return slot >= 0 ? item(chunks[chunk], slot) : null;
  }

  /** The chunk whose range holds {@code position}: the last whose first position is not after it (else the first). */
  private int chunkFor(P position) {
    int low = 1;
    int high = chunkCount - 1;
    int found = 0;
    while (low <= high) {
      int middle = (low + high) >>> 1;
      if (order.compare(item(chunks[middle], 0), position) <= 0) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** {@code position}'s slot in a chunk, or {@code -(insertion point) - 1}. */
  @SuppressWarnings("unchecked")
  private int slotIn(int chunk, P position) {
    return Arrays.binarySearch(chunks[chunk], 0, counts[chunk], position, (Comparator<Object>) order);
  }

  /** The first slot of a chunk holding a position after {@code last}. */
  private int slotAfter(int chunk, P last) {
    int slot = slotIn(chunk, last);
    return slot >= 0 ? slot + 1 : -slot - 1;
  }

  @SuppressWarnings("unchecked")
  private static <P> P item(Object[] items, int slot) {
    return (P) items[slot];
  }

  // ---- writes, under the write lock ----

  private void insertAt(int chunk, int slot, P position) {
    int count = counts[chunk];
    if (count < CHUNK) {
      Object[] items = chunks[chunk];
      if (count == items.length) {
        items = Arrays.copyOf(items, Math.min(CHUNK, items.length * 2));
        chunks[chunk] = items;
      }
      System.arraycopy(items, slot, items, slot + 1, count - slot);
      items[slot] = position;
      counts[chunk] = count + 1;
    } else if (slot == CHUNK && chunk == chunkCount - 1) {
      insertChunk(chunkCount, position); // appended after the last position: a new last chunk
    } else {
      split(chunk);
      if (slot > CHUNK / 2) {
        insertAt(chunk + 1, slot - CHUNK / 2, position);
      } else {
        insertAt(chunk, slot, position);
      }
    }
  }

  /** A new chunk at {@code at} holding only {@code position}. */
  private void insertChunk(int at, P position) {
    Object[] items = new Object[FIRST_CHUNK_CAPACITY];
    items[0] = position;
    openChunkSlot(at);
    chunks[at] = items;
    counts[at] = 1;
  }

  private void split(int chunk) {
    Object[] items = chunks[chunk];
    Object[] upper = Arrays.copyOfRange(items, CHUNK / 2, CHUNK);
    Arrays.fill(items, CHUNK / 2, CHUNK, null);
    openChunkSlot(chunk + 1);
    chunks[chunk + 1] = upper;
    counts[chunk + 1] = CHUNK - CHUNK / 2;
    counts[chunk] = CHUNK / 2;
  }

  /** Merges a chunk with its smaller neighbour when both fit in three quarters of one. */
  private void mergeWithNeighbour(int chunk) {
    boolean hasNext = chunk + 1 < chunkCount;
    if (!hasNext && chunk == 0) {
      return;
    }
    int into = hasNext && (chunk == 0 || counts[chunk + 1] <= counts[chunk - 1]) ? chunk : chunk - 1;
    int from = into + 1;
    if (counts[into] + counts[from] > CHUNK * 3 / 4) {
      return;
    }
    Object[] items = chunks[into];
    int merged = counts[into] + counts[from];
    if (items.length < merged) {
      items = Arrays.copyOf(items, CHUNK);
      chunks[into] = items;
    }
    System.arraycopy(chunks[from], 0, items, counts[into], counts[from]);
    counts[into] = merged;
    removeChunk(from);
  }

  private void openChunkSlot(int at) {
    if (chunkCount == chunks.length) {
      int capacity = Math.max(4, chunkCount + (chunkCount >> 1));
      chunks = Arrays.copyOf(chunks, capacity);
      counts = Arrays.copyOf(counts, capacity);
    }
    System.arraycopy(chunks, at, chunks, at + 1, chunkCount - at);
    System.arraycopy(counts, at, counts, at + 1, chunkCount - at);
    chunkCount++;
  }

  private void removeChunk(int at) {
    System.arraycopy(chunks, at + 1, chunks, at, chunkCount - at - 1);
    System.arraycopy(counts, at + 1, counts, at, chunkCount - at - 1);
    chunkCount--;
    chunks[chunkCount] = null;
    counts[chunkCount] = 0;
  }

  /** Copies a chunk's worth of positions at a time, each after the last one it gave. */
  private final class ChunkIterator implements Iterator<P> {
    private final Object[] batch = new Object[CHUNK];
    private int batchSize;
    private int next;
    private P last;
    private boolean exhausted;

    @Override
    public boolean hasNext() {
      if (next < batchSize) {
        return true;
      }
      if (!exhausted) {
        fill();
      }
      return next < batchSize;
    }

    @Override
    public P next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      P position = item(batch, next++);
      last = position;
      return position;
    }

    private void fill() {
      Arrays.fill(batch, 0, batchSize, null);
      batchSize = 0;
      next = 0;
      long stamp = lock.readLock();
      try {
        int chunk = 0;
        int slot = 0;
        if (last != null && chunkCount > 0) {
          chunk = chunkFor(last);
          slot = slotAfter(chunk, last);
          if (slot == counts[chunk]) {
            chunk++;
            slot = 0;
          }
        }
        if (chunk >= chunkCount) {
          exhausted = true;
          return;
        }
        batchSize = counts[chunk] - slot;
        System.arraycopy(chunks[chunk], slot, batch, 0, batchSize);
      } finally {
        lock.unlockRead(stamp);
      }
    }
  }
}
