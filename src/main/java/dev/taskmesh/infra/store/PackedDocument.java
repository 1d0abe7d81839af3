package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Arrays;

/**
 * A stored document as its BSON bytes: what H2's in-memory pages hold instead of the decoded
 * document. A decoded run is dozens of Java objects (a map, its entries, a string per key and text
 * value, an instant per date, nested documents) that G1 copies at every young collection while the
 * run's page is recent; packed it is two. Decoded on every read.
 */
final class PackedDocument {

  final byte[] bson;

  PackedDocument(byte[] bson) {
    this.bson = bson;
  }

  /** The packed form, or the document itself if BSON cannot carry it (written with Java serialization then). */
  static Object pack(Document document) {
    byte[] bson = StoredBson.encode(document);
    return bson == null ? document : new PackedDocument(bson);
  }

  /** A stored value as a document of its own (decoded fresh from packed bytes). */
  static Document unpack(Object stored) {
    return stored instanceof PackedDocument packed ? StoredBson.decode(packed.bson) : (Document) stored;
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
