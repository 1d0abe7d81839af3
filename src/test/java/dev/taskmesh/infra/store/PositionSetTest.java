package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PositionSetTest {

  private final PositionSet<Integer> set = new PositionSet<>(Comparator.naturalOrder());

  @Test
  void appendsInOrderFillWholeChunksAndIterateInOrder() {
    int many = PositionSet.CHUNK * 10 + 3;
    for (int i = 0; i < many; i++) {
      set.add(i);
    }
    assertThat(set.size()).isEqualTo(many);
    assertThat(list(set)).containsExactlyElementsOf(range(0, many));
    assertThat(set.contains(many - 1)).isTrue();
    assertThat(set.contains(many)).isFalse();
    assertThat(set.contains(-1)).isFalse();
  }

  @Test
  void randomAddsAndRemovesAgreeWithASortedSet() {
    Random random = new Random(42);
    TreeSet<Integer> expected = new TreeSet<>();
    for (int step = 0; step < 60_000; step++) {
      // phases: inserts spread over the range, appends, and removals that empty whole regions
      int phase = step / 10_000 % 3;
      int value = phase == 1 ? 5_000 + step : random.nextInt(4_000);
      boolean removing = phase == 2 ? random.nextInt(10) < 8 : random.nextInt(10) < 3;
      if (removing) {
        Integer target = phase == 2 && !expected.isEmpty() ? expected.ceiling(random.nextInt(80_000)) : Integer.valueOf(value);
        if (target != null) {
          expected.remove(target);
          set.remove(target);
        }
      } else {
        expected.add(value);
        set.add(value);
      }
      assertThat(set.size()).isEqualTo(expected.size());
      if (step % 997 == 0) {
        assertThat(list(set)).containsExactlyElementsOf(expected);
      }
    }
    assertThat(list(set)).containsExactlyElementsOf(expected);
    for (int probe = -1; probe < 4_100; probe++) {
      assertThat(set.contains(probe)).as("contains %d", probe).isEqualTo(expected.contains(probe));
    }
  }

  @Test
  void emptiedAndRefilledItBehavesAsNew() {
    for (int i = 0; i < 500; i++) {
      set.add(i);
    }
    for (int i = 0; i < 500; i++) {
      set.remove(i);
    }
    assertThat(set.isEmpty()).isTrue();
    assertThat(set.iterator().hasNext()).isFalse();
    set.remove(7);
    set.add(7);
    set.add(7);
    assertThat(list(set)).containsExactly(7);
    assertThat(set.size()).isEqualTo(1);
  }

  @Test
  void heldGivesBackTheInstanceItKeeps() {
    String kept = new String("r1");
    PositionSet<String> ids = new PositionSet<>(Comparator.naturalOrder());
    ids.add(kept);
    ids.add(new String("r1")); // an equal copy is not added again
    assertThat(ids.held(new String("r1"))).isSameAs(kept);
    assertThat(ids.held("r2")).isNull();
    assertThat(ids.size()).isEqualTo(1);
  }

  /**
   * Weakly consistent, as the skip list it replaces: an iteration that overlaps writes gives
   * positions in order, never one twice, and every position present throughout.
   */
  @Test
  void iterationOverlappingWritesIsOrderedWithoutDuplicatesAndMissesNothingThatStayed() throws Exception {
    int stable = 3_000;
    for (int i = 0; i < stable; i++) {
      set.add(i * 2); // even positions stay; odd ones come and go
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    Thread writer = new Thread(() -> {
      Random random = new Random(7);
      while (writing.get()) {
        int odd = random.nextInt(stable * 2) | 1;
        if (random.nextBoolean()) {
          set.add(odd);
        } else {
          set.remove(odd);
        }
      }
    });
    Thread reader = new Thread(() -> {
      for (int round = 0; round < 300 && failures.isEmpty(); round++) {
        int previous = Integer.MIN_VALUE;
        int evens = 0;
        for (int position : set) {
          if (position <= previous) {
            failures.add("out of order or twice: " + previous + " then " + position);
          }
          previous = position;
          evens += position % 2 == 0 ? 1 : 0;
        }
        if (evens != stable) {
          failures.add("saw " + evens + " of the " + stable + " positions that stayed");
        }
        for (int i = 0; i < stable; i += 97) {
          if (!set.contains(i * 2)) {
            failures.add("lost " + i * 2);
          }
        }
      }
    });
    writer.start();
    reader.start();
    reader.join(60_000);
    writing.set(false);
    writer.join(10_000);
    assertThat(failures).isEmpty();
  }

  private static List<Integer> list(PositionSet<Integer> set) {
    List<Integer> all = new ArrayList<>();
    set.forEach(all::add);
    return all;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> all = new ArrayList<>();
    for (int i = from; i < to; i++) {
      all.add(i);
    }
    return all;
  }
}
