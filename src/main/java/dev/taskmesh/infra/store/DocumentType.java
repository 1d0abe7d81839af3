package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/** The H2 type of a collection's documents: stored as BSON ({@link StoredBson}). */
final class DocumentType extends BasicDataType<Document> {

  static final DocumentType INSTANCE = new DocumentType();

  private DocumentType() {}

  @Override
  public int getMemory(Document document) {
    return StoredBson.estimatedMemory(document);
  }

  @Override
  public void write(WriteBuffer out, Document document) {
    StoredBson.write(out, document);
  }

  @Override
  public Document read(ByteBuffer in) {
    return StoredBson.read(in);
  }

  /** Values are never ordered; H2 only asks whether two are the same (conditional replace). */
  @Override
  public int compare(Document a, Document b) {
    return Objects.equals(a, b) ? 0 : 1;
  }

  @Override
  public Document[] createStorage(int size) {
    return new Document[size];
  }
}
