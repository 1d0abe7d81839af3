package dev.taskmesh.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

  @Test
  void idsAreVersion7UuidsCarryingTheirMillisecond() {
    long millis = 1_795_000_000_123L;
    UUID id = UUID.fromString(TimeOrderedIds.next(millis));
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(millis, id.getMostSignificantBits() >>> 16);
  }

  @Test
  void laterIdsSortLaterAsStrings() {
    String previous = TimeOrderedIds.next(1_000L);
    for (long millis = 1_001L; millis < 3_000L; millis += 7) {
      String next = TimeOrderedIds.next(millis);
      assertTrue(next.compareTo(previous) > 0, next + " should sort after " + previous);
      previous = next;
    }
  }

  @Test
  void idsOfOneMillisecondDiffer() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(TimeOrderedIds.next(42L));
    }
    assertEquals(10_000, seen.size());
  }
}
