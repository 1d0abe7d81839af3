package dev.taskmesh.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

  @Test
  void idsAreVersion7UuidsCarryingTheirMillisecond() {
    long millis = 1_795_000_000_123L;
    UUID id = UUID.fromString(new TimeOrderedIds().make(millis));
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(millis, id.getMostSignificantBits() >>> 16);
  }

  @Test
  void anIdsTimeIsTheMillisecondItWasMadeIn() {
    assertEquals(java.time.Instant.ofEpochMilli(1_795_000_000_123L), TimeOrderedIds.timeOf(new TimeOrderedIds().make(1_795_000_000_123L)));
  }

  @Test
  void laterIdsSortLaterAsStrings() {
    TimeOrderedIds ids = new TimeOrderedIds();
    String previous = ids.make(1_000L);
    for (long millis = 1_001L; millis < 3_000L; millis += 7) {
      String next = ids.make(millis);
      assertTrue(next.compareTo(previous) > 0, next + " should sort after " + previous);
      previous = next;
    }
  }

  @Test
  void theFloorOfAnInstantSplitsIdsMadeBeforeItFromTheRest() {
    TimeOrderedIds ids = new TimeOrderedIds();
    String floor = TimeOrderedIds.floor(java.time.Instant.ofEpochMilli(2_000L));
    for (int i = 0; i < 100; i++) {
      String before = ids.make(1_999L);
      assertTrue(before.compareTo(floor) < 0, before + " was made before " + floor);
    }
    TimeOrderedIds fresh = new TimeOrderedIds();
    for (int i = 0; i < 100; i++) {
      String at = fresh.make(2_000L);
      assertTrue(at.compareTo(floor) >= 0, at + " was made at the floor's millisecond");
    }
  }

  @Test
  void idsOfOneMillisecondDiffer() {
    TimeOrderedIds ids = new TimeOrderedIds();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(ids.make(42L));
    }
    assertEquals(10_000, seen.size());
  }

  @Test
  void idsOfOneProcessIncreaseWithinAMillisecondAndBorrowTheNextWhenItRunsOut() {
    TimeOrderedIds ids = new TimeOrderedIds();
    String previous = ids.make(42L);
    for (int i = 0; i < 10_000; i++) { // far more than one millisecond's 12-bit counter holds
      String next = ids.make(42L);
      assertTrue(next.compareTo(previous) > 0, next + " should sort after " + previous);
      assertEquals(7, UUID.fromString(next).version());
      previous = next;
    }
    assertTrue(UUID.fromString(previous).getMostSignificantBits() >>> 16 > 42L, "borrowed later milliseconds");
    String afterClockStepBack = ids.make(41L);
    assertTrue(afterClockStepBack.compareTo(previous) > 0, "a clock that steps back never makes an id that sorts earlier");
  }

  @Test
  void idsMadeConcurrentlyAreUniqueAndEachThreadSeesThemIncrease() throws Exception {
    TimeOrderedIds ids = new TimeOrderedIds();
    Set<String> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        String previous = "";
        for (int i = 0; i < 5_000; i++) {
          String next = ids.make(System.currentTimeMillis());
          if (next.compareTo(previous) <= 0) {
            failures.add(new AssertionError(next + " after " + previous));
          }
          all.add(next);
          previous = next;
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
    assertEquals(20_000, all.size());
  }
}
