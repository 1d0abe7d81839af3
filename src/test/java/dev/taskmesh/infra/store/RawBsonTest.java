package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RawBsonTest {

  private static final Document RUN = new Document("_id", "r1")
      .append("input", new Document("nested", "NOT top level").append("status", "inner"))
      .append("binary", new BinData(new byte[] {1, 2, 3}))
      .append("uuid", UUID.fromString("00000000-0000-0000-0000-000000000001"))
      .append("oid", new ObjectId())
      .append("pattern", new BsonRegularExpression("a.*b", "i"))
      .append("stamp", new BsonTimestamp(42L))
      .append("decimal", new Decimal128(1L, 2L))
      .append("low", MinKey.getInstance())
      .append("tags", List.of("x", "y"))
      .append("status", "COMPLETED")
      .append("émoji ✓", "clé ✓")
      .append("createdAt", Instant.ofEpochMilli(1_800_000_000_123L))
      .append("seq", 7)
      .append("big", 1L << 40)
      .append("ratio", 0.25)
      .append("final", true)
      .append("nothing", null);

  @Test
  void readsTopLevelFieldsAsTheDecoderDoesAndStepsOverTheRest() {
    byte[] bson = StoredBson.encode(RUN);
    String[] fields = {"status", "createdAt", "seq", "big", "ratio", "final", "nothing", "émoji ✓", "_id", "absent", "nested"};
    Object[] values = RawBson.read(bson, RawBson.names(fields));
    Document decoded = StoredBson.decode(bson);
    for (int i = 0; i < fields.length; i++) {
      assertThat(values[i]).as(fields[i]).isEqualTo(decoded.getOrMissing(fields[i]));
    }
    assertThat(values[9]).isSameAs(Missing.getInstance());
    assertThat(values[10]).as("a nested field is not a top-level one").isSameAs(Missing.getInstance());
  }

  @Test
  void documentsAndArraysAreLeftToTheDecoder() {
    Object[] values = RawBson.read(StoredBson.encode(RUN), RawBson.names("input", "tags", "binary"));
    assertThat(values).containsOnly(RawBson.UNREAD);
  }
}
