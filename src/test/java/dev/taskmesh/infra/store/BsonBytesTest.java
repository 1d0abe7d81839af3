package dev.taskmesh.infra.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Decimal128;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.MaxKey;
import de.bwaldvogel.mongo.bson.MinKey;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The same bytes as mongo-java-server's encoder, and the same values as its decoder. */
class BsonBytesTest {

  private static Document run(int n) {
    List<Object> transitions = new ArrayList<>();
    IntStream.range(0, 12).forEach(i -> transitions.add(new Document("to", "S" + i).append("at", Instant.ofEpochMilli(1_765_000_000_000L + i))));
    return new Document("_id", "0193a-" + n).append("taskId", "t").append("status", "COMPLETED").append("seq", 3L).append("attempt", 1)
        .append("final", true).append("outbox", false).append("input", new Document("millis", 5).append("ratio", 0.25).append("none", null))
        .append("result", new Document("primes", List.of(2, 3, 5, 7)).append("text", "päivää ✓"))
        .append("createdAt", Instant.parse("2026-12-07T10:00:00.123Z")).append("transitions", transitions)
        .append("nested", List.of(List.of(1, "a"), new Document("deep", List.of()))).append("ünïcode ✓", "name");
  }

  @Test
  void writesTheBytesTheStockEncoderWritesAndReadsThemBackAsItsDecoderDoes() {
    for (int n = 0; n < 3; n++) { // again, with the names known
      Document document = run(n);
      byte[] stock = StoredBson.encodeAnyType(document);
      byte[] bytes = BsonBytes.encode(document);
      assertThat(bytes).isEqualTo(stock);
      Document decoded = BsonBytes.decode(bytes);
      Document stockDecoded = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(stock));
      assertThat(decoded).isEqualTo(stockDecoded).isEqualTo(document);
      assertThat(decoded.get("transitions")).isInstanceOf(ArrayList.class);
      assertThat(decoded.keySet()).containsExactlyElementsOf(document.keySet());
    }
  }

  @Test
  void typesNotWrittenHereAreLeftToTheStockEncoderAndReadThroughTheStockDecoder() {
    Document document = new Document("_id", new ObjectId()).append("uuid", UUID.randomUUID()).append("bin", new BinData(new byte[] {1, 2}))
        .append("ts", new BsonTimestamp(42L)).append("dec", new Decimal128(1L, 2L)).append("min", MinKey.getInstance())
        .append("max", MaxKey.getInstance()).append("re", new BsonRegularExpression("a.*", "i")).append("set", new LinkedHashSet<>(List.of(1, 2)))
        .append("plain", "text");
    assertThat(BsonBytes.encode(document)).as("an ObjectId id: the stock encoder's").isNull();
    byte[] stock = StoredBson.encode(document);
    assertThat(stock).isEqualTo(StoredBson.encodeAnyType(document));
    Document decoded = StoredBson.decode(stock);
    Document stockDecoded = BsonDecoder.decodeBson(Unpooled.wrappedBuffer(stock));
    assertThat(decoded).hasToString(stockDecoded.toString()); // BinData has no equals of its own
    decoded.forEach((name, value) -> assertThat(value).as(name).hasSameClassAs(stockDecoded.get(name)));
    assertThat(BsonDecoder.decodeBson(Unpooled.wrappedBuffer(stock))).isNotEqualTo(stockDecoded); // which is why

    assertThat(BsonBytes.encode(new Document("f", 1.5f))).as("a float").isNull();
    assertThat(BsonBytes.encode(new Document("m", Missing.getInstance()))).isNull();
    assertThat(StoredBson.encode(new Document("m", Missing.getInstance()))).as("not BSON at all").isNull();
  }

  @Test
  void aDamagedDocumentIsRefusedAsTheStockDecoderRefusesIt() {
    byte[] bytes = BsonBytes.encode(new Document("a", "b").append("c", true));
    byte[] badBoolean = bytes.clone();
    badBoolean[bytes.length - 2] = 7;
    assertThatThrownBy(() -> BsonBytes.decode(badBoolean)).isInstanceOf(IllegalArgumentException.class);
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    assertThatThrownBy(() -> BsonBytes.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
  }
}
