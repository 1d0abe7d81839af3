package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CombinationCountsTest {

  private final CombinationCounts counts = new CombinationCounts(List.of(Set.of("launchedBy"), Set.of("status", "launchedBy")));

  private static Document run(String launchedBy, String status) {
    return new Document("launchedBy", launchedBy).append("status", status).append("taskId", "t1");
  }

  @Test
  void countsFollowInsertsUpdatesAndDeletes() {
    counts.stored(null, run("u1", "QUEUED"));
    counts.stored(null, run("u1", "QUEUED"));
    counts.stored(null, run("u2", "QUEUED"));
    counts.stored(run("u1", "QUEUED"), run("u1", "COMPLETED"));
    counts.stored(run("u1", "COMPLETED"), run("u1", "COMPLETED")); // nothing counted moved
    counts.removed(run("u2", "QUEUED"));

    assertThat(counts.count(new Document("launchedBy", "u1"))).hasValue(2);
    assertThat(counts.count(new Document("launchedBy", "u1").append("status", "COMPLETED"))).hasValue(1);
    assertThat(counts.count(new Document("status", "QUEUED").append("launchedBy", "u1"))).as("any field order").hasValue(1);
    assertThat(counts.count(new Document("launchedBy", "u2"))).hasValue(0);
    assertThat(counts.count(new Document("launchedBy", "nobody"))).hasValue(0);
  }

  @Test
  void onlyAQueryThatIsExactlyOneGroupOfStringsIsAnswered() {
    counts.stored(null, run("u1", "QUEUED"));
    assertThat(counts.count(new Document("status", "QUEUED"))).as("not a group").isEmpty();
    assertThat(counts.count(new Document("launchedBy", "u1").append("taskId", "t1"))).as("not a group").isEmpty();
    assertThat(counts.count(new Document("launchedBy", new Document("$in", List.of("u1"))))).as("an operator").isEmpty();
  }

  @Test
  void aValueThatIsNotAStringIsNotCounted() {
    counts.stored(null, new Document("launchedBy", 7).append("status", "QUEUED"));
    counts.stored(null, new Document("status", "QUEUED")); // no launcher at all
    counts.stored(new Document("status", "QUEUED"), run("u1", "QUEUED")); // a launcher set later
    assertThat(counts.count(new Document("launchedBy", "u1"))).hasValue(1);
    assertThat(counts.count(new Document("launchedBy", 7))).isEmpty();
  }
}
