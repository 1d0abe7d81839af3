package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PackedScanTest {

  private static final Document BY_CREATED = new Document("createdAt", -1).append("_id", -1);

  private static Object run(int i, Object status) {
    return PackedDocument.pack(new Document("_id", "r" + i).append("status", status).append("taskId", "t" + i % 2)
        .append("createdAt", Instant.ofEpochSecond(1_800_000_000L + i)).append("input", new Document("n", i)));
  }

  @Test
  void onlySimpleShapesAreScannedPacked() {
    assertThat(PackedScan.of(new Document("status", "COMPLETED"), BY_CREATED, null)).isNotNull();
    assertThat(PackedScan.of(new Document(), null, null)).isNotNull();
    assertThat(PackedScan.of(new Document("createdAt", new Document("$gte", Instant.EPOCH)), BY_CREATED, null)).isNotNull();
    assertThat(PackedScan.of(new Document("_id", "r1"), null, null)).as("the _id index answers").isNull();
    assertThat(PackedScan.of(new Document("seq", new Document("$lt", 3)), null, null)).as("a number range").isNull();
    assertThat(PackedScan.of(new Document("input.n", "1"), null, null)).as("a dotted path").isNull();
    assertThat(PackedScan.of(new Document("status", "X"), new Document("input.n", 1), null)).as("a dotted sort").isNull();
    assertThat(PackedScan.of(new Document("status", "X"), new Document("$natural", -1), null)).isNull();
  }

  @Test
  void decidesFromTheStoredBytesAndAsksTheMatcherOnlyWhenTheyCannotTell() {
    List<Object> stored = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      stored.add(run(i, i % 10 == 3 ? List.of("COMPLETED", "X") : i % 4 == 0 ? "QUEUED" : "COMPLETED"));
    }
    List<Document> asked = new ArrayList<>();
    List<Document> page = PackedScan.of(new Document("status", "COMPLETED").append("taskId", "t1"), BY_CREATED, null)
        .page(stored::stream, false, 2, 3, (document, query) -> {
          asked.add(document);
          return ((List<?>) document.get("status")).contains(query.get("status")) && document.get("taskId").equals(query.get("taskId"));
        });
    // r99, r97, r95 (not 93: an array holding COMPLETED, which matches), ...: skip two, keep three
    assertThat(page).extracting(d -> d.get("_id")).containsExactly("r95", "r93", "r91");
    assertThat(asked).extracting(d -> d.get("_id")).as("only the runs whose status is an array")
        .containsExactly("r3", "r13", "r23", "r33", "r43", "r53", "r63", "r73", "r83", "r93");
    assertThat(page.get(0).get("input")).isEqualTo(new Document("n", 95));
  }

  @Test
  void readLastKeyFirstItAnswersTheSameAndTiesKeepKeyOrder() {
    List<Object> stored = new ArrayList<>();
    for (int i = 10; i < 60; i++) {
      stored.add(run(i, i % 3 == 0 ? "QUEUED" : "COMPLETED"));
    }
    List<Object> lastFirst = new ArrayList<>(stored);
    java.util.Collections.reverse(lastFirst);
    for (Document order : List.of(BY_CREATED, new Document("status", -1), new Document("taskId", -1).append("createdAt", 1))) {
      PackedScan scan = PackedScan.of(new Document(), order, null);
      assertThat(scan.wantsLastKeyFirst()).isTrue();
      for (int[] page : new int[][] {{0, 0}, {0, 5}, {7, 9}, {30, 100}}) {
        assertThat(scan.page(lastFirst::stream, true, page[0], page[1], (d, q) -> true))
            .as("order %s, skip %d, limit %d", order, page[0], page[1])
            .isEqualTo(scan.page(stored::stream, false, page[0], page[1], (d, q) -> true));
      }
    }
    // status descending: the QUEUED runs first, each tie in key order (r12, r15, ...), not reversed
    assertThat(PackedScan.of(new Document(), new Document("status", -1), null).page(lastFirst::stream, true, 0, 3, (d, q) -> true))
        .extracting(d -> d.get("_id")).containsExactly("r12", "r15", "r18");
  }

  @Test
  void aPageSortedByIdAloneIsCutAsTheKeysAreRead() {
    List<Object> lastFirst = new ArrayList<>();
    for (int i = 99; i >= 10; i--) { // the keys "r99" .. "r10", descending, as the collection streams them last key first
      lastFirst.add(run(i, i % 3 == 0 ? "QUEUED" : "COMPLETED"));
    }
    int[] read = {0};
    List<Document> page = PackedScan.of(new Document("status", "COMPLETED"), new Document("_id", -1), null)
        .page(() -> lastFirst.stream().peek(value -> read[0]++), true, 2, 3, (d, q) -> true);
    assertThat(page).extracting(d -> d.get("_id")).containsExactly("r95", "r94", "r92");
    assertThat(read[0]).as("r99 .. r92: the page and what came before it, nothing after").isEqualTo(8);
  }

  @Test
  void anIdThatIsNotAStringMakesThePageSortedAfterAll() {
    // The map orders keys of different types by type first; the page must come out in the query's order.
    List<Object> keyOrder = List.of(PackedDocument.pack(new Document("_id", 7).append("status", "X")),
        PackedDocument.pack(new Document("_id", 5.5).append("status", "X")), run(1, "X"));
    List<Document> page = PackedScan.of(new Document("status", "X"), new Document("_id", 1), null)
        .page(keyOrder::stream, false, 0, 2, (d, q) -> true);
    assertThat(page).extracting(d -> d.get("_id")).containsExactly(5.5, 7);
  }

  @Test
  void aCountReadsOnlyIds() {
    Stream<Object> stored = Stream.of(run(1, "COMPLETED"), run(2, "QUEUED"), run(3, "COMPLETED"));
    List<Document> matched = PackedScan.of(new Document("status", "COMPLETED"), null, new Document("_id", 1))
        .page(() -> stored, false, 0, 0, (document, query) -> {
          throw new AssertionError("every run here is decided from its bytes");
        });
    assertThat(matched).containsExactly(new Document("_id", "r1"), new Document("_id", "r3"));
  }

  @Test
  void anUpdateGuardIsRefutedFromTheBytesOnlyByAStoredStringOrBooleanThatDiffers() {
    Object queued = run(1, "QUEUED");
    Object listed = run(2, List.of("QUEUED", "X"));
    assertThat(PackedScan.surelyUnmatched(queued, new Document("status", "COMPLETED"))).isTrue();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("status", "QUEUED").append("taskId", "t0"))).as("one false term").isTrue();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("seq", new Document("$lt", 3)).append("taskId", "t0")))
        .as("the range is left to the matcher, the string refutes").isTrue();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("status", "QUEUED").append("taskId", "t1"))).as("both hold").isFalse();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("status", true))).as("a boolean against a string").isTrue();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("missing", "x"))).as("absent: the matcher decides").isFalse();
    assertThat(PackedScan.surelyUnmatched(listed, new Document("status", "COMPLETED"))).as("an array: the matcher decides").isFalse();
    assertThat(PackedScan.surelyUnmatched(queued, new Document("input.n", "1"))).as("a dotted path").isFalse();
    assertThat(PackedScan.surelyUnmatched(new Document("status", "QUEUED"), new Document("status", "X"))).as("not packed").isFalse();
  }
}
