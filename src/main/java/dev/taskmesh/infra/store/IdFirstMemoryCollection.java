package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.stream.Stream;

/** The memory-backend twin of {@link IdFirstH2Collection}: {@code _id} first, then indexed flags. */
final class IdFirstMemoryCollection extends MemoryCollection {

  private final FlagIndex<Integer> flags;

  IdFirstMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors,
      FlagIndex.Spec indexed) {
    super(database, name, options, cursors);
    flags = new FlagIndex<>(indexed);
  }

  @Override
  protected Integer addDocumentInternal(Document document) {
    Integer position = super.addDocumentInternal(document);
    flags.stored(position, document);
    return position;
  }

  @Override
  protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    flags.stored(position, newDocument);
  }

  @Override
  protected void removeDocument(Integer position) {
    super.removeDocument(position);
    flags.removed(position);
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Stream<Document> candidates = IdFirstQuery.candidates(query, flags,
        lookup -> IdFirstMemoryCollection.super.queryDocuments(lookup, null, 0, 0, 0, null), this::getDocument);
    return candidates == null
        ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
        : matchDocumentsFromStream(candidates, query, orderBy, skip, limit, batchSize, fields);
  }
}
