package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsumerCapacityTest {

  @Test
  void noWarningUpToThePartitionCount() {
    assertThat(ConsumerCapacity.warning("g", "pending-tasks", 6, 6, 0)).isEmpty();
    assertThat(ConsumerCapacity.warning("g", "pending-tasks", 6, 2, 4)).isEmpty();
  }

  @Test
  void tooManyInstancesInThisProcessAreNamed() {
    assertThat(ConsumerCapacity.warning("g", "pending-tasks", 6, 8, 0)).hasValueSatisfying(w ->
        assertThat(w).contains("8 worker consumers in this process (WORKER_INSTANCES)", "6 partitions", "2 will stay idle", "KAFKA_PARTITIONS"));
  }

  @Test
  void replicasAcrossProcessesCountToo() {
    assertThat(ConsumerCapacity.warning("taskmesh-workers", "pending-tasks", 6, 2, 6)).hasValueSatisfying(w ->
        assertThat(w).contains("8 worker consumers in group taskmesh-workers (2 in this process, 6 already in other processes)",
            "2 will stay idle"));
  }
}
