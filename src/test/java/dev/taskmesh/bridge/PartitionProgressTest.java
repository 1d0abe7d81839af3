package dev.taskmesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionProgressTest {

  @Test
  void nothingIsCommittableBeforeTheFirstRecord() {
    assertThat(new PartitionProgress().committable()).isEqualTo(-1);
  }

  @Test
  void commitStopsAtTheFirstRecordStillInFlight() {
    PartitionProgress progress = new PartitionProgress();
    for (long offset = 10; offset <= 14; offset++) {
      progress.started(offset);
    }
    progress.finished(12);
    progress.finished(14);
    assertThat(progress.committable()).isEqualTo(10);
    progress.finished(10);
    assertThat(progress.committable()).isEqualTo(11);
    progress.finished(11);
    assertThat(progress.committable()).isEqualTo(13);
    progress.finished(13);
    assertThat(progress.committable()).isEqualTo(15);
    assertThat(progress.inFlight()).isZero();
  }

  @Test
  void anOffsetAlreadyCommittedIsNotCommittedAgain() {
    PartitionProgress progress = new PartitionProgress();
    progress.started(0);
    progress.finished(0);
    assertThat(progress.committable()).isEqualTo(1);
    progress.committed(1);
    assertThat(progress.committable()).isEqualTo(-1);
    progress.started(1);
    assertThat(progress.committable()).isEqualTo(-1);
    progress.finished(1);
    assertThat(progress.committable()).isEqualTo(2);
  }
}
