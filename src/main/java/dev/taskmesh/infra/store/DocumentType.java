package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The H2 type of a collection's documents: stored as BSON ({@link StoredBson}). In memory a value
 * is a {@link PackedDocument} (read back from a page without decoding, written as it is) or, for
 * what BSON cannot carry and for the store's one-time conversion, a {@link Document}.
 */
final class DocumentType extends BasicDataType<Object> {

  static final DocumentType INSTANCE = new DocumentType();

  private DocumentType() {}

  @Override
  public int getMemory(Object value) {
    return value instanceof PackedDocument packed ? 32 + packed.bson.length : StoredBson.estimatedMemory(value);
  }

  @Override
  public void write(WriteBuffer out, Object value) {
    if (value instanceof PackedDocument packed) {
      StoredBson.writePacked(out, packed.bson);
    } else {
      StoredBson.write(out, (Document) value);
    }
  }

  @Override
  public Object read(ByteBuffer in) {
    return StoredBson.readPacked(in);
  }

  /** Values are never ordered; H2 only asks whether two are the same (conditional replace). */
  @Override
  public int compare(Object a, Object b) {
    return Objects.equals(a, b) ? 0 : 1;
  }

  @Override
  public Object[] createStorage(int size) {
    return new Object[size];
  }
}
