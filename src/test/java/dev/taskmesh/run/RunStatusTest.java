package dev.taskmesh.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunStatusTest {

  @Test
  void withinAnAttemptTheLifecycleOnlyMovesForward() {
    assertThat(RunStatus.QUEUED.sequence(1)).isLessThan(RunStatus.PENDING.sequence(1));
    assertThat(RunStatus.PENDING.sequence(1)).isLessThan(RunStatus.RUNNING.sequence(1));
    assertThat(RunStatus.RUNNING.sequence(1)).isLessThan(RunStatus.FAILED.sequence(1));
    assertThat(RunStatus.RUNNING.sequence(1)).isLessThan(RunStatus.COMPLETED.sequence(1));
  }

  @Test
  void aLaterAttemptOutranksEveryStateOfAnEarlierOne() {
    for (RunStatus earlier : RunStatus.values()) {
      assertThat(RunStatus.QUEUED.sequence(2)).isGreaterThan(earlier.sequence(1));
    }
  }

  @Test
  void onlyCompletedDeadAndCancelledAreTerminal() {
    assertThat(java.util.Arrays.stream(RunStatus.values()).filter(RunStatus::terminal))
        .containsExactlyInAnyOrder(RunStatus.COMPLETED, RunStatus.DEAD, RunStatus.CANCELLED);
  }

  @Test
  void theGuardRejectsAnEventThatDoesNotMoveTheRunForward() {
    RunEvent lateRunning = RunEvent.of("r1", 1, RunStatus.RUNNING, null, null, null);
    JsonObject guard = RunChanges.guard(lateRunning);
    assertThat(guard.getString("_id")).isEqualTo("r1");
    assertThat(guard.getBoolean("final")).isFalse();
    assertThat(guard.getJsonObject("seq").getLong("$lt")).isEqualTo(RunStatus.RUNNING.sequence(1));
  }

  @Test
  void messagesRoundTripThroughJson() {
    RunEvent event = RunEvent.of("r1", 2, RunStatus.COMPLETED, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("x", 1), null);
    assertThat(RunEvent.fromJson(event.toJson())).isEqualTo(event);
    RunCommand command = new RunCommand("r1", "t1", "sleep", 1, 3, new JsonObject().put("millis", 5), 0);
    assertThat(RunCommand.fromJson(command.toJson())).isEqualTo(command);
  }

  @Test
  void aMessageOfAnotherSchemaVersionIsPoison() {
    JsonObject future = new RunCommand("r1", "t1", "sleep", 1, 3, new JsonObject(), 0).toJson().put("v", 99);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunCommand.fromJson(future))
        .isInstanceOf(MessageSchema.InvalidMessageException.class)
        .hasMessageContaining("99");
  }
}
