package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class HeapGuardTest {

  private static final long MAX = 1_000_000;
  private static final Counter REFUSALS = new SimpleMeterRegistry().counter("refusals");

  @Test
  void admitsUntilACollectionLeavesTheHeapAboveTheCeilingAndAgainOnceOneLeavesItBelow() {
    HeapGuard guard = new HeapGuard(90, MAX, REFUSALS);
    assertThat(guard.admits()).as("no collection yet").isTrue();
    guard.afterCollection(899_999);
    assertThat(guard.admits()).isTrue();
    guard.afterCollection(900_000);
    assertThat(guard.admits()).as("at the ceiling").isFalse();
    guard.afterCollection(950_000);
    assertThat(guard.admits()).isFalse();
    guard.afterCollection(400_000);
    assertThat(guard.admits()).as("a collection freed room").isTrue();
  }

  @Test
  void aCeilingOfZeroNeverRefuses() {
    HeapGuard guard = new HeapGuard(0, MAX, REFUSALS);
    guard.afterCollection(MAX);
    assertThat(guard.admits()).isTrue();
  }

  @Test
  void theRefusalSaysHowFullTheHeapIsAndWhatToDo() {
    HeapGuard guard = new HeapGuard(85, MAX, REFUSALS);
    guard.afterCollection(930_000);
    assertThat(guard.refusal()).contains("93% of its heap", "ceiling is 85%", "Retry later", "-Xmx");
  }
}
