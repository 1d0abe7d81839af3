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
}
