package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemoryIndexesTest {

  private final MemoryIndexes<String> indexes =
      new MemoryIndexes<>(new MemoryIndexes.Spec(Map.of("final", false), Set.of("taskId", "status")), Comparator.naturalOrder());

  private static Document run(String status, boolean done) {
    return new Document("taskId", "t1").append("status", status).append("final", done);
  }

  @Test
  void aStatusChangeMovesTheRunBetweenSetsAndKeepsOneIdInstance() {
    String inserted = new String("r1");
    indexes.stored(inserted, null, run("QUEUED", false));
    indexes.stored(new String("r2"), null, run("QUEUED", false));
    // Each update names the run with its own copy of the id, as the store's update path does.
    indexes.stored(new String("r1"), run("QUEUED", false), run("RUNNING", false));
    indexes.stored(new String("r1"), run("RUNNING", false), run("COMPLETED", true));

    assertThat(indexes.candidates(new Document("status", "COMPLETED"), Long.MAX_VALUE)).contains(List.of("r1"));
    assertThat(indexes.candidates(new Document("status", "QUEUED"), Long.MAX_VALUE)).contains(List.of("r2"));
    assertThat(indexes.candidates(new Document("status", "RUNNING"), Long.MAX_VALUE)).contains(List.of());
    assertThat(indexes.candidates(new Document("final", false), Long.MAX_VALUE)).contains(List.of("r2"));
    assertThat(indexes.candidates(new Document("taskId", "t1").append("status", "COMPLETED"), Long.MAX_VALUE)).contains(List.of("r1"));
    assertThat(indexes.candidates(new Document("status", "COMPLETED"), Long.MAX_VALUE).orElseThrow().get(0))
        .as("the id instance of the insert, shared with the taskId set, not the update's copy")
        .isSameAs(inserted);
  }

  @Test
  void aRemovedRunLeavesEverySet() {
    indexes.stored("r1", null, run("QUEUED", false));
    indexes.removed("r1", run("QUEUED", false));
    assertThat(indexes.candidates(new Document("taskId", "t1"), Long.MAX_VALUE)).contains(List.of());
    assertThat(indexes.candidates(new Document("final", false), Long.MAX_VALUE)).contains(List.of());
  }

  @Test
  void equalitiesOnIndexedValuesAreCountedFromTheSetsAsTheyMove() {
    indexes.stored("r1", null, run("QUEUED", false));
    indexes.stored("r2", null, run("QUEUED", false));
    indexes.stored("r3", null, new Document("taskId", "t2").append("status", "QUEUED").append("final", false));
    indexes.stored(new String("r1"), run("QUEUED", false), run("COMPLETED", true));
    indexes.stored("r2", run("QUEUED", false), run("COMPLETED", true));
    indexes.stored("r2", run("COMPLETED", true), run("COMPLETED", true)); // a write that changes no indexed value
    indexes.removed("r3", new Document("taskId", "t2").append("status", "QUEUED").append("final", false));

    assertThat(indexes.exactCount(new Document("status", "COMPLETED"))).hasValue(2);
    assertThat(indexes.exactCount(new Document("status", "QUEUED"))).hasValue(0);
    assertThat(indexes.exactCount(new Document("status", "RUNNING"))).hasValue(0);
    assertThat(indexes.exactCount(new Document("taskId", "t1"))).hasValue(2);
    assertThat(indexes.exactCount(new Document("taskId", "t2"))).hasValue(0);
    assertThat(indexes.exactCount(new Document("final", false))).hasValue(0);
    assertThat(indexes.exactCount(new Document("taskId", "t1").append("status", "COMPLETED"))).hasValue(2);
    assertThat(indexes.exactCount(new Document("taskId", "t2").append("status", "COMPLETED"))).hasValue(0);
    assertThat(indexes.exactCount(new Document("taskId", "t2").append("status", "QUEUED"))).as("r3, deleted").hasValue(0);
    assertThat(indexes.exactCount(new Document("taskId", "t1").append("status", "QUEUED"))).as("both moved on").hasValue(0);
    assertThat(indexes.exactCount(new Document("taskId", "t1").append("status", "COMPLETED").append("final", false)))
        .as("a flag too: the sets' intersection").hasValue(0);
  }

  @Test
  void anyConditionTheSetsCannotAnswerLeavesTheCountToTheCollection() {
    indexes.stored("r1", null, run("COMPLETED", true));
    assertThat(indexes.exactCount(new Document())).isEmpty();
    assertThat(indexes.exactCount(new Document("status", "COMPLETED").append("launchedBy", "u1"))).as("not indexed").isEmpty();
    assertThat(indexes.exactCount(new Document("final", true))).as("only final: false is indexed").isEmpty();
    assertThat(indexes.exactCount(new Document("status", new Document("$in", List.of("COMPLETED"))))).as("an operator").isEmpty();
  }

  @Test
  void aCountWithSkipAndLimitIsWhatTheCountCommandReports() {
    assertThat(MemoryIndexes.page(10, 0, 0)).isEqualTo(10);
    assertThat(MemoryIndexes.page(10, 3, 0)).isEqualTo(7);
    assertThat(MemoryIndexes.page(10, 3, 5)).isEqualTo(5);
    assertThat(MemoryIndexes.page(10, 12, 5)).isEqualTo(0);
  }
}
