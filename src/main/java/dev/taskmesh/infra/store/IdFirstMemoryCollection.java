package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.stream.StreamSupport;

/** A memory-backend collection whose queries that pin {@code _id} go through the {@code _id} index (see {@link IdFirstQuery}). */
final class IdFirstMemoryCollection extends MemoryCollection {

  IdFirstMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
    super(database, name, options, cursors);
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Document lookup = IdFirstQuery.idLookup(query);
    if (lookup == null) {
      return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
    }
    QueryResult candidates = super.queryDocuments(lookup, null, 0, 0, 0, null);
    return matchDocumentsFromStream(StreamSupport.stream(candidates.spliterator(), false), query, orderBy, skip, limit, batchSize, fields);
  }
}
