package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taskmesh.bench.ThreadAllocation.GroupShare;
import dev.taskmesh.bench.ThreadAllocation.Sample;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadAllocationTest {

  private static final Instant FROM = Instant.ofEpochSecond(1_000);
  private static final Instant TO = Instant.ofEpochSecond(1_060);

  @Test
  void groupsThreadsByNameWithoutTheirNumbers() {
    assertThat(ThreadAllocation.group("vert.x-eventloop-thread-1")).isEqualTo("vert.x-eventloop-thread");
    assertThat(ThreadAllocation.group("mongo-server-worker3")).isEqualTo("mongo-server-worker");
    assertThat(ThreadAllocation.group("data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT"))
        .isEqualTo("data-plane-kafka-network-thread-N-ListenerName(PLAINTEXT)-PLAINTEXT");
    assertThat(ThreadAllocation.group("AsyncGetter-7-thread-12")).isEqualTo("AsyncGetter-N-thread");
    assertThat(ThreadAllocation.group("H2-serialization")).isEqualTo("H2-serialization");
    assertThat(ThreadAllocation.group(null)).isEqualTo("?");
  }

  @Test
  void countsOnlyWhatEachThreadAllocatedInsideTheWindow() {
    List<Sample> samples = List.of(
        sample(1, "vert.x-eventloop-thread-0", 990, 5_000_000),
        sample(1, "vert.x-eventloop-thread-0", 1_030, 6_000_000),
        sample(1, "vert.x-eventloop-thread-0", 1_059, 7_097_152),
        sample(1, "vert.x-eventloop-thread-0", 1_070, 99_000_000),
        sample(2, "vert.x-eventloop-thread-1", 999, 1_000_000),
        sample(2, "vert.x-eventloop-thread-1", 1_050, 2_048_576),
        // started inside the window: all its bytes count
        sample(3, "mongo-server-worker4", 1_040, 1_048_576),
        // ended before the window: nothing counts
        sample(4, "kafka-scheduler-0", 900, 80_000_000));

    List<GroupShare> shares = ThreadAllocation.summarize(samples, FROM, TO, 1_024);

    assertThat(shares).extracting(GroupShare::group).containsExactly("vert.x-eventloop-thread", "mongo-server-worker");
    assertThat(shares.get(0).bytes()).isEqualTo(2_097_152 + 1_048_576);
    assertThat(shares.get(0).kilobytesPerRun()).isEqualTo(3.0);
    assertThat(shares.get(0).share()).isEqualTo(0.75);
    assertThat(shares.get(1).bytes()).isEqualTo(1_048_576);
    assertThat(shares.get(1).kilobytesPerRun()).isEqualTo(1.0);
  }

  @Test
  void tablePrintsTheLargeGroupsAndSumsTheSmallOnes() {
    List<GroupShare> shares = List.of(
        new GroupShare("mongo-server-worker", 990, 99.0, 0.99),
        new GroupShare("kafka-scheduler", 6, 0.6, 0.006),
        new GroupShare("JFR Periodic Tasks", 2, 0.2, 0.002),
        new GroupShare("Notification Thread", 2, 0.2, 0.002));

    String table = ThreadAllocation.table(shares, 10);

    assertThat(table).contains("(10 runs): 100.0 KB in all")
        .contains("99.0 KB   99.0%  mongo-server-worker")
        .contains("0.6 KB    0.6%  kafka-scheduler")
        .contains("0.4 KB    0.4%  (other threads)")
        .doesNotContain("JFR Periodic Tasks");
  }

  @Test
  void refusesAWindowWithoutRuns() {
    assertThatThrownBy(() -> ThreadAllocation.summarize(List.of(), FROM, TO, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs");
  }

  private static Sample sample(long id, String name, long epochSecond, long bytes) {
    return new Sample(id, name, Instant.ofEpochSecond(epochSecond), bytes);
  }
}
