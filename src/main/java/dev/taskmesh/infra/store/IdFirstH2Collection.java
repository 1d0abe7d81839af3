package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.stream.StreamSupport;
import org.h2.mvstore.MVMap;

/** An H2-backend collection whose queries that pin {@code _id} go through the {@code _id} index (see {@link IdFirstQuery}). */
final class IdFirstH2Collection extends H2Collection {

  IdFirstH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Document> data,
      MVMap<String, Object> meta, CursorRegistry cursors) {
    super(database, name, options, data, meta, cursors);
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
