package dev.taskmesh.infra;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made later sort
 * later, as strings too, so a store's primary-key B-tree receives new runs at its right edge and the
 * pipeline's writes to recent runs touch the same few hot pages. With random (version 4) ids every
 * insert and every status write lands on a random page that must be read, decoded and rewritten:
 * on the embedded store that was the largest cost once a few tens of thousands of runs were stored,
 * and MongoDB's {@code _id} index has the same locality problem.
 *
 * <p>Within one process ids are also strictly increasing (RFC 9562 section 6.2, method 1): the 12
 * bits after the version count up within a millisecond from a random start below 2048, and a
 * millisecond whose counter runs out borrows the next one. So the runs of one batch launch sort in
 * launch order. The other 62 bits stay random, which keeps ids of different processes apart.
 */
public final class TimeOrderedIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long VERSION_7 = 0x7000L;
  private static final long COUNTER = 0xFFFL;
  private static final TimeOrderedIds PROCESS = new TimeOrderedIds();

  /** The most significant half of the last id made here: milliseconds, version, counter. */
  private final AtomicLong last = new AtomicLong();

  TimeOrderedIds() {}

  /** The next id of this process. */
  public static String next() {
    return PROCESS.make(System.currentTimeMillis());
  }

  /**
   * The lowest id that can be made at {@code instant}'s millisecond: every id made earlier sorts
   * below it, as a string too, so {@code {_id: {$lt: floor(t)}}} selects what was made before t.
   */
  public static String floor(Instant instant) {
    return new UUID((instant.toEpochMilli() & 0xFFFF_FFFF_FFFFL) << 16 | VERSION_7, 0x8000_0000_0000_0000L).toString();
  }

  /**
   * The millisecond an id of this class was made in: a run's creation time is its id's, so the
   * order of ids is the order of creation times, ties included (see {@code RunQuery#storeOrder}).
   */
  public static Instant timeOf(String id) {
    return Instant.ofEpochMilli(UUID.fromString(id).getMostSignificantBits() >>> 16);
  }

  String make(long epochMillis) {
    long leastSignificant = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(nextMostSignificant(epochMillis), leastSignificant).toString();
  }

  private long nextMostSignificant(long epochMillis) {
    long fresh = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | VERSION_7 | (RANDOM.nextInt() & 0x7FFL);
    while (true) {
      long previous = last.get();
      long next;
      if (fresh > previous) {
        next = fresh;
      } else if ((previous & COUNTER) < COUNTER) {
        next = previous + 1;
      } else {
        next = ((previous >>> 16) + 1) << 16 | VERSION_7; // this millisecond is used up: borrow the next one
      }
      if (last.compareAndSet(previous, next)) {
        return next;
      }
    }
  }
}
