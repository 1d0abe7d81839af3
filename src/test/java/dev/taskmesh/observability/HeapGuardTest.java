package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapGuardTest {

  private static final long MAX = 1_000_000;

  @Test
  void admitsUntilACollectionLeavesTheHeapAboveTheCeilingAndAgainOnceOneLeavesItBelow() {
    HeapGuard guard = new HeapGuard(90, MAX);
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
    HeapGuard guard = new HeapGuard(0, MAX);
    guard.afterCollection(MAX);
    assertThat(guard.admits()).isTrue();
  }

  @Test
  void theRefusalSaysHowFullTheHeapIsAndWhatToDo() {
    HeapGuard guard = new HeapGuard(85, MAX);
    guard.afterCollection(930_000);
    assertThat(guard.refusal()).contains("93% of its heap", "ceiling is 85%", "Retry later", "-Xmx");
  }
}
