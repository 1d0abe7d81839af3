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
 * {@link IdFirstQuery}), and whose queries that pin an indexed flag start from that flag's
 * documents (see {@link FlagIndex}).
 */
final class IdFirstH2Collection extends H2Collection {

  private final FlagIndex<Object> flags;

  IdFirstH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
      MVMap<String, Object> meta, CursorRegistry cursors, FlagIndex.Spec indexed) {
    super(database, name, options, data, meta, cursors);
    flags = new FlagIndex<>(indexed);
    streamAllDocumentsWithPosition().forEach(stored -> flags.stored(stored.getPosition(), stored.getDocument()));
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    Object position = super.addDocumentInternal(document);
    flags.stored(position, document);
    return position;
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    flags.stored(position, newDocument);
  }

  @Override
  protected void removeDocument(Object position) {
    super.removeDocument(position);
    flags.removed(position);
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Stream<Document> candidates = IdFirstQuery.candidates(query, flags,
        lookup -> IdFirstH2Collection.super.queryDocuments(lookup, null, 0, 0, 0, null), this::getDocument);
    return candidates == null
        ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
        : matchDocumentsFromStream(candidates, query, orderBy, skip, limit, batchSize, fields);
  }
}
