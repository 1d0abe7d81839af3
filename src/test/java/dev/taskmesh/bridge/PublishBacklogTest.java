package dev.taskmesh.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PublishBacklogTest {

  @Test
  void refusesPastItsRecordBoundAndTakesMoreOnceRecordsLeave() {
    PublishBacklog backlog = new PublishBacklog(2, 1_000);

    assertThat(backlog.tryAdd(10)).isTrue();
    assertThat(backlog.tryAdd(10)).isTrue();
    assertThat(backlog.tryAdd(10)).isFalse();
    assertThat(backlog.records()).isEqualTo(2);

    backlog.remove(10);
    assertThat(backlog.tryAdd(10)).isTrue();
    assertThat(backlog.chars()).isEqualTo(20);
  }

  @Test
  void refusesARecordThatWouldPassItsCharacterBound() {
    PublishBacklog backlog = new PublishBacklog(100, 50);

    assertThat(backlog.tryAdd(30)).isTrue();
    assertThat(backlog.tryAdd(21)).isFalse();
    assertThat(backlog.tryAdd(20)).isTrue();
    assertThat(backlog.chars()).isEqualTo(50);
  }

  @Test
  void aRecordLargerThanTheWholeBoundGoesWhenNothingElseWaits() {
    PublishBacklog backlog = new PublishBacklog(100, 50);

    assertThat(backlog.tryAdd(80)).isTrue();
    assertThat(backlog.tryAdd(1)).isFalse();
    backlog.remove(80);
    assertThat(backlog.records()).isZero();
    assertThat(backlog.chars()).isZero();
  }

  @Test
  void needsRoomForOneRecord() {
    assertThatThrownBy(() -> new PublishBacklog(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PublishBacklog(10, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
