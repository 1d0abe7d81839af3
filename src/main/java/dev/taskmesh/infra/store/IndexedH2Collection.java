package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;

/**
 * An H2-backend collection whose queries that pin {@code _id} go through the {@code _id} index (see
 * {@link Candidates}), and whose queries that pin an indexed field start from that field's
 * documents (see {@link MemoryIndexes}).
 */
final class IndexedH2Collection extends H2Collection {

  private final MemoryIndexes<Object> indexes;

  IndexedH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
      MVMap<String, Object> meta, CursorRegistry cursors, MemoryIndexes.Spec indexed) {
    super(database, name, options, data, meta, cursors);
    indexes = new MemoryIndexes<>(indexed);
    streamAllDocumentsWithPosition().forEach(stored -> indexes.stored(stored.getPosition(), stored.getDocument()));
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    Object position = super.addDocumentInternal(document);
    indexes.stored(position, document);
    return position;
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    indexes.stored(position, newDocument);
  }

  @Override
  protected void removeDocument(Object position) {
    super.removeDocument(position);
    indexes.removed(position);
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Stream<Document> candidates = Candidates.candidates(query, indexes,
        lookup -> IndexedH2Collection.super.queryDocuments(lookup, null, 0, 0, 0, null), this::getDocument);
    return candidates == null
        ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
        : matchDocumentsFromStream(candidates, query, orderBy, skip, limit, batchSize, fields);
  }
}
