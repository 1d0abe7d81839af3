package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * A stored document as its BSON bytes: what H2's in-memory pages hold instead of the decoded
 * document. A decoded run is dozens of Java objects (a map, its entries, a string per key and text
 * value, an instant per date, nested documents) that G1 copies at every young collection while the
 * run's page is recent; packed it is two. Decoded on every read.
 */
final class PackedDocument {

  private static final ThreadLocal<ByteBuf> SCRATCH = ThreadLocal.withInitial(() -> Unpooled.buffer(1024));

  final byte[] bson;

  PackedDocument(byte[] bson) {
    this.bson = bson;
  }

  /** The packed form, or the document itself if BSON cannot carry it (written with Java serialization then). */
  static Object pack(Document document) {
    ByteBuf scratch = SCRATCH.get().clear();
    try {
      BsonEncoder.encodeDocument(document, scratch);
    } catch (RuntimeException notBson) {
      return document;
    }
    byte[] bytes = new byte[scratch.readableBytes()];
    scratch.getBytes(scratch.readerIndex(), bytes);
    if (scratch.capacity() > 1024 * 1024) {
      SCRATCH.remove();
    }
    return new PackedDocument(bytes);
  }

  /** A stored value as a document of its own (decoded fresh from packed bytes). */
  static Document unpack(Object stored) {
    if (stored instanceof PackedDocument packed) {
      return BsonDecoder.decodeBson(Unpooled.wrappedBuffer(packed.bson));
    }
    return (Document) stored;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PackedDocument packed && Arrays.equals(bson, packed.bson);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bson);
  }
}
