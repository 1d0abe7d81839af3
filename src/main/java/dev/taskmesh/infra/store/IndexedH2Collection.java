package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
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
    streamAllDocumentsWithPosition().forEach(stored -> indexes.stored(stored.getPosition(), null, stored.getDocument()));
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    Object position = super.addDocumentInternal(document);
    indexes.stored(position, null, document);
    return position;
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    indexes.stored(position, oldDocument, newDocument);
  }

  @Override
  protected void removeDocument(Object position) {
    Document removed = getDocument(position);
    super.removeDocument(position);
    indexes.removed(position, removed);
  }

  /** A multi-document update of a list of ids goes id by id ({@link Candidates#updateEachId}). */
  @Override
  public Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters, boolean multi, boolean upsert, Oplog oplog) {
    Document each = Candidates.updateEachId(selector, multi, upsert, one -> super.updateDocuments(one, update, arrayFilters, false, false, oplog));
    return each != null ? each : super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
  }

  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Candidates.Found candidates = Candidates.candidates(query, indexes, this::byId, this::getDocument);
    return candidates == null
        ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
        : matchDocumentsFromStream(candidates.documents(), candidates.toMatch(), orderBy, skip, limit, batchSize, fields);
  }

  /**
   * This backend keys its data map by {@code _id}, so string ids (every id this system writes) are
   * read straight from it; the generic path through the {@code _id} index, its matcher and its
   * stream cost more than the read itself. Other id types take that generic path.
   */
  private Iterable<Document> byId(Document lookup) {
    Object id = lookup.get("_id");
    if (id instanceof String key) {
      Document found = getDocument(key);
      return found == null ? List.of() : List.of(found);
    }
    if (id instanceof Document operator && operator.get("$in") instanceof Collection<?> ids && ids.stream().allMatch(String.class::isInstance)) {
      List<Document> found = new ArrayList<>(ids.size());
      for (Object key : new LinkedHashSet<>(ids)) {
        Document document = getDocument(key);
        if (document != null) {
          found.add(document);
        }
      }
      return found;
    }
    return super.queryDocuments(lookup, null, 0, 0, 0, null);
  }

  /**
   * No running data size: mongo-java-server would encode the old and the new document to BSON on
   * every write, only to keep {@code collStats}' size up to date, which nothing here reads.
   */
  @Override
  protected boolean tracksDataSize() {
    return false;
  }
}
