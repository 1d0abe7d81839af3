package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The stored documents' BSON, written and read as mongo-java-server's {@code BsonEncoder} and
 * {@code BsonDecoder} do (the same bytes, the same Java values), for the types runs are made of;
 * {@link StoredBson} uses the stock codec for any other. Field names are the same dozen words in
 * every run, and the stock codec encoded each to UTF-8 on every write and made a new string of it
 * on every read (with an array decoded as a whole document of "0", "1"... first): 4–5% of the bytes
 * the pipeline allocated per run (docs/benchmarks.md, twenty-first round). Here each thread keeps
 * the names it met, both ways ({@link BsonBytesWriter}, {@link BsonBytesReader}).
 */
final class BsonBytes {

  // The BSON element types written and read here; any other is left to the stock codec.
  static final byte DOUBLE = 0x01;
  static final byte STRING = 0x02;
  static final byte DOCUMENT = 0x03;
  static final byte ARRAY = 0x04;
  static final byte BOOLEAN = 0x08;
  static final byte DATE = 0x09;
  static final byte NULL = 0x0A;
  static final byte INT32 = 0x10;
  static final byte INT64 = 0x12;

  private BsonBytes() {}

  /** The document's BSON, or null if it holds a value of a type not written here. */
  static byte[] encode(Document document) {
    return BsonBytesWriter.current().encode(document);
  }

  /** The document in {@code bson}, with the values the stock decoder gives. */
  static Document decode(byte[] bson) {
    return BsonBytesReader.current().decode(bson);
  }
}
