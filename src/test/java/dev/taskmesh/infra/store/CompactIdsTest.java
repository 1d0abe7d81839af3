package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.TimeOrderedIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CompactIdsTest {

  @Test
  void aCanonicalUuidIsHeldAsItsBitsAndGivenBackAsTheSameText() {
    for (int i = 0; i < 1_000; i++) {
      String id = i % 2 == 0 ? TimeOrderedIds.next() : UUID.randomUUID().toString();
      Object key = CompactIds.compact(id);
      assertThat(key).isInstanceOf(CompactIds.CompactId.class);
      assertThat(CompactIds.expand(key)).isEqualTo(id);
    }
    assertThat(CompactIds.compact("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(new CompactIds.CompactId(-1L, -1L));
  }

  @Test
  void anyOtherIdIsHeldAsItIs() {
    String upperCase = UUID.randomUUID().toString().toUpperCase();
    for (Object id : List.of(upperCase, "r7", "0123456789abcdef0123456789abcdef0123", "01234567-89ab-cdef-0123-456789abcdeg",
        "01234567+89ab-cdef-0123-456789abcdef", 42, UUID.randomUUID())) {
      assertThat(CompactIds.compact(id)).isSameAs(id);
      assertThat(CompactIds.expand(id)).isSameAs(id);
    }
  }

  /** Index keys sort exactly as the ids they stand for, including ids on both sides of the sign bit and mixed forms. */
  @Test
  void keysSortAsTheirIds() {
    Random random = new Random(7);
    List<String> ids = new ArrayList<>(List.of("r1", "zz", "0", "8", "F", TimeOrderedIds.next().toUpperCase()));
    for (int i = 0; i < 300; i++) {
      ids.add(new UUID(random.nextLong(), random.nextLong()).toString());
      ids.add(TimeOrderedIds.next());
    }
    Comparator<Object> textOrder = (a, b) -> ((String) a).compareTo((String) b);
    Comparator<Object> keyOrder = CompactIds.order(textOrder);
    List<Object> byKey = new ArrayList<>(ids.stream().map(CompactIds::compact).toList());
    byKey.sort(keyOrder);
    assertThat(byKey.stream().map(CompactIds::expand).toList()).isEqualTo(ids.stream().sorted().toList());
  }
}
