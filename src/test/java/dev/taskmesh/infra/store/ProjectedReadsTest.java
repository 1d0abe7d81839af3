package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectedReadsTest {

  private static final Document FEW = new Document("status", 1).append("final", true);

  @Test
  void takesReadsByStringIdsOfIncludedTopLevelFieldsOnly() {
    Document ids = new Document("_id", new Document("$in", List.of("a", "b")));
    assertThat(ProjectedReads.of(new Document("_id", "a"), null, 0, 0, FEW)).isNotNull();
    assertThat(ProjectedReads.of(ids, new Document(), 0, 0, FEW)).isNotNull();
    assertThat(ProjectedReads.of(ids, null, 0, 0, new Document("_id", 1).append("status", 1))).isNotNull();

    assertThat(ProjectedReads.of(ids, null, 0, 0, null)).as("whole documents").isNull();
    assertThat(ProjectedReads.of(ids, null, 0, 0, new Document("_id", 0).append("status", 1))).as("id excluded").isNull();
    assertThat(ProjectedReads.of(ids, null, 0, 0, new Document("status", 0))).as("an exclusion").isNull();
    assertThat(ProjectedReads.of(ids, null, 0, 0, new Document("a.b", 1))).as("a dotted field").isNull();
    assertThat(ProjectedReads.of(ids, new Document("_id", 1), 0, 0, FEW)).as("sorted").isNull();
    assertThat(ProjectedReads.of(ids, null, 1, 0, FEW)).as("skipped").isNull();
    assertThat(ProjectedReads.of(ids, null, 0, 5, FEW)).as("limited").isNull();
    assertThat(ProjectedReads.of(new Document("_id", "a").append("final", false), null, 0, 0, FEW)).as("another condition").isNull();
    assertThat(ProjectedReads.of(new Document("_id", 7), null, 0, 0, FEW)).as("a number id").isNull();
    assertThat(ProjectedReads.of(new Document("status", "QUEUED"), null, 0, 0, FEW)).as("not by id").isNull();
  }

  @Test
  void readsOnlyTheAskedFieldsInTheOrderOfTheIdsAndDecodesWholeWhatItCannotRead() {
    Instant at = Instant.parse("2026-12-07T10:00:00.123Z");
    Map<String, Object> stored = Map.of(
        "a", PackedDocument.pack(run("a").append("status", "QUEUED").append("final", false).append("at", at)),
        "b", PackedDocument.pack(run("b").append("final", true)),
        "c", PackedDocument.pack(run("c").append("status", List.of("odd")).append("final", true)));
    ProjectedReads read = ProjectedReads.of(new Document("_id", new Document("$in", List.of("b", "nope", "a", "c", "a"))), null, 0, 0,
        new Document("status", 1).append("final", 1).append("at", 1));
    List<Document> found = read.read(stored::get);
    assertThat(found).containsExactly(
        new Document("_id", "b").append("final", true),
        new Document("_id", "a").append("status", "QUEUED").append("final", false).append("at", at),
        PackedDocument.unpack(stored.get("c")));
  }

  private static Document run(String id) {
    return new Document("_id", id).append("input", new Document("millis", 5)).append("transitions", List.of(new Document("to", "QUEUED")));
  }
}
