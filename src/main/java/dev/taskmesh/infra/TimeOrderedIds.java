package dev.taskmesh.infra;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made later sort
 * later, as strings too, so a store's primary-key B-tree receives new runs at its right edge and the
 * pipeline's writes to recent runs touch the same few hot pages. With random (version 4) ids every
 * insert and every status write lands on a random page that must be read, decoded and rewritten:
 * on the embedded store that was the largest cost once a few tens of thousands of runs were stored,
 * and MongoDB's {@code _id} index has the same locality problem.
 */
public final class TimeOrderedIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TimeOrderedIds() {}

  public static String next() {
    return next(System.currentTimeMillis());
  }

  static String next(long epochMillis) {
    long random12 = RANDOM.nextInt() & 0xFFFL;
    long mostSignificant = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | random12;
    long leastSignificant = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(mostSignificant, leastSignificant).toString();
  }
}
