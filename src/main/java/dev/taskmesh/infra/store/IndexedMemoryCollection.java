package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** The memory-backend twin of {@link IndexedH2Collection}: {@code _id} first, then the in-memory indexes. */
final class IndexedMemoryCollection extends MemoryCollection {

  private final MemoryIndexes<Integer> indexes;

  IndexedMemoryCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors,
      MemoryIndexes.Spec indexed) {
    super(database, name, options, cursors);
    indexes = new MemoryIndexes<>(indexed, Comparator.naturalOrder()); // positions are list slots, scanned in order
  }

  @Override
  protected Integer addDocumentInternal(Document document) {
    Integer position = super.addDocumentInternal(document);
    indexes.stored(position, null, document);
    return position;
  }

  @Override
  protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
    super.handleUpdate(position, oldDocument, newDocument);
    indexes.stored(position, oldDocument, newDocument);
  }

  @Override
  protected void removeDocument(Integer position) {
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
    Candidates.Found candidates = Candidates.candidates(query, indexes,
        lookup -> IndexedMemoryCollection.super.queryDocuments(lookup, null, 0, 0, 0, null), this::getDocument, count());
    return candidates == null
        ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
        : matchDocumentsFromStream(candidates.documents(), candidates.toMatch(), orderBy, skip, limit, batchSize, fields);
  }

  /** As in {@link IndexedH2Collection}: a query of indexed equalities only is counted by the indexes. */
  @Override
  public int count(Document query, int skip, int limit) {
    OptionalLong indexed = indexes.exactCount(query);
    return indexed.isPresent() ? MemoryIndexes.page(indexed.getAsLong(), skip, limit) : super.count(query, skip, limit);
  }

  /** As in {@link IndexedH2Collection}: sorted pages through {@link SortedSelection}. */
  @Override
  protected QueryResult matchDocumentsFromStream(Stream<Document> documents, Document query, Document orderBy, int skip, int limit,
      int batchSize, Document fields) {
    if (!SortedSelection.handles(orderBy)) {
      return super.matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fields);
    }
    List<Document> page = SortedSelection.page(documents.filter(document -> documentMatchesQuery(document, query)), orderBy, skip, limit);
    return super.matchDocumentsFromStream(new Document(), page.stream(), 0, 0, batchSize, null, fields);
  }

  /** As in {@link IndexedH2Collection}: no data size kept, so both backends behave alike. */
  @Override
  protected boolean tracksDataSize() {
    return false;
  }
}
