package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.Assert;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * An H2-backend collection whose queries that pin {@code _id} go through the {@code _id} index (see
 * {@link Candidates}), whose queries that bound {@code _id} read only that range of keys (see
 * {@link IdRange}), whose queries that pin an indexed field start from that field's documents
 * (see {@link MemoryIndexes}), and whose simple filtered and sorted queries read the stored bytes
 * and decode only the page they return (see {@link PackedScan}).
 */
final class IndexedH2Collection extends H2Collection {

  private static final String ID = "_id";
  private static final Document ID_ONLY = new Document(ID, 1);

  private final MemoryIndexes<Object> indexes; // keyed by CompactIds
  private final Comparator<Object> positionOrder;
  private final MVStore store;
  // The same map H2Collection holds; its values are packed (PackedDocument), so every method of
  // H2Collection that reads or writes them is overridden below and the stock code never sees one.
  private final MVMap<Object, Object> data;
  private final StoredValues stored;

  @SuppressWarnings({"unchecked", "rawtypes"})
  IndexedH2Collection(MongoDatabase database, String name, CollectionOptions options, MVMap<Object, Object> data,
      MVMap<String, Object> meta, CursorRegistry cursors, MemoryIndexes.Spec indexed) {
    super(database, name, options, (MVMap) data, meta, cursors);
    this.data = data;
    positionOrder = CompactIds.order(data.getKeyType()::compare); // the data map's key order
    indexes = new MemoryIndexes<>(indexed, positionOrder);
    store = data.getStore();
    stored = new StoredValues(data, indexes, positionOrder, this::count);
    streamAllDocumentsWithPosition().forEach(existing -> indexes.stored(CompactIds.compact(existing.getPosition()), null, existing.getDocument()));
  }

  @Override
  protected Object addDocumentInternal(Document document) {
    Object position = getIdField() != null ? Utils.getSubdocumentValue(document, getIdField()) : UUID.randomUUID();
    Object previous = data.put(Missing.ofNullable(position), PackedDocument.pack(document));
    Assert.isNull(previous, () -> "Document with key '" + position + "' already existed in " + this + ": " + PackedDocument.unpack(previous));
    indexes.stored(CompactIds.compact(position), null, document);
    return position;
  }

  @Override
  protected Document getDocument(Object position) {
    Object stored = data.get(position);
    return stored == null ? null : PackedDocument.unpack(stored);
  }

  @Override
  protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
    data.put(Missing.ofNullable(position), PackedDocument.pack(newDocument));
    indexes.stored(CompactIds.compact(position), oldDocument, newDocument);
  }

  @Override
  protected void removeDocument(Object position) {
    Object removed = data.remove(position);
    if (removed == null) {
      throw new NoSuchElementException("No document with key " + position);
    }
    indexes.removed(CompactIds.compact(position), PackedDocument.unpack(removed));
  }

  @Override
  protected Stream<DocumentWithPosition<Object>> streamAllDocumentsWithPosition() {
    return data.entrySet().stream().map(entry -> new DocumentWithPosition<>(PackedDocument.unpack(entry.getValue()), entry.getKey()));
  }

  @Override
  protected QueryResult matchDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    Stream<Document> all = isNaturalDescending(orderBy)
        ? streamAllDocumentsWithPosition()
            .sorted((a, b) -> ValueComparator.desc().compare(a.getPosition(), b.getPosition()))
            .map(DocumentWithPosition::getDocument)
        : data.values().stream().map(PackedDocument::unpack);
    return matchDocumentsFromStream(all, query, orderBy, skip, limit, batchSize, fields);
  }

  /**
   * Updates of runs take a short path: a multi-document update of a list of ids goes id by id
   * ({@link Candidates#updateEachId}), and an update of one string id in the shapes
   * {@link SimpleUpdate} handles is applied without the general machinery. The rest is the stock path.
   */
  @Override
  public Document updateDocuments(Document selector, Document update, ArrayFilters arrayFilters, boolean multi, boolean upsert, Oplog oplog) {
    // The id-list updates are the outbox markers', and most find their run already moved on by a
    // worker: those try the stored bytes first. A single-id update is a status write that usually
    // applies, so it decodes at once (reading the bytes first would only add work).
    Document each = Candidates.updateEachId(selector, multi, upsert, one -> updateOne(one, update, arrayFilters, oplog, true));
    if (each != null) {
      return each;
    }
    return !upsert && selector.get(ID) instanceof String
        ? updateOne(selector, update, arrayFilters, oplog, false)
        : super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog);
  }

  /** An update of the one document a string id names (multi or not: there is at most one). */
  private synchronized Document updateOne(Document selector, Document update, ArrayFilters arrayFilters, Oplog oplog, boolean bytesFirst) {
    String id = (String) selector.get(ID);
    if (!arrayFilters.isEmpty() || !SimpleUpdate.supports(update)) {
      return super.updateDocuments(selector, update, arrayFilters, false, false, oplog);
    }
    Document rest = Candidates.withoutId(selector);
    Object raw = data.get(id);
    if (raw == null || bytesFirst && PackedScan.surelyUnmatched(raw, rest)) {
      oplog.handleUpdate(getFullName(), selector, update, List.of());
      return new Document("n", 0).append("nModified", 0);
    }
    Document stored = PackedDocument.unpack(raw);
    Boolean matches = SimpleUpdate.matches(stored, rest);
    if (matches == null) {
      matches = documentMatchesQuery(stored, rest);
    }
    SimpleUpdate.Applied applied = matches ? SimpleUpdate.apply(stored, update) : null;
    if (matches && applied == null) {
      return super.updateDocuments(selector, update, arrayFilters, false, false, oplog);
    }
    if (applied != null && !applied.document().equals(stored)) {
      for (Index<Object> index : getIndexes()) {
        if (!keysUnchanged(index, stored, applied.document())) {
          index.checkUpdate(stored, applied.document(), this);
        }
      }
      for (Index<Object> index : getIndexes()) {
        if (!keysUnchanged(index, stored, applied.document())) {
          index.updateInPlace(stored, applied.document(), id, this);
        }
      }
      handleUpdate(id, stored, applied.document());
    }
    boolean modified = applied != null && applied.modified();
    oplog.handleUpdate(getFullName(), selector, update, modified ? List.of(id) : List.of());
    return new Document("n", matches ? 1 : 0).append("nModified", modified ? 1 : 0);
  }

  /**
   * Whether an update left every top-level field an index reads as it was, so the index has
   * nothing to check or move. A status write never changes {@code _id} (the only unique index of
   * runs), yet the stock path collected both documents' keys through streams on every write. A
   * dotted key is never judged here: such an index takes the stock path.
   */
  static boolean keysUnchanged(Index<?> index, Document before, Document after) {
    for (IndexKey key : index.getKeys()) {
      String field = key.getKey();
      if (field.indexOf('.') >= 0 || !Objects.equals(before.get(field), after.get(field))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every query pins the store version it reads for its whole run (H2's version usage). Without it a
   * long scan (a status filter over every run) that overlaps commits can read a page of a chunk H2
   * has meanwhile dropped and fail with "Chunk N not found" (h2database#4142, #4218: standalone
   * MVStore readers must register their version).
   */
  @Override
  protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit, int batchSize, Document fields) {
    MVStore.TxCounter reading = store.registerVersionUsage();
    try {
      ProjectedReads projected = ProjectedReads.of(query, orderBy, skip, limit, fields);
      if (projected != null) {
        return super.matchDocumentsFromStream(new Document(), projected.read(data::get).stream(), 0, 0, batchSize, null, fields);
      }
      PackedScan scan = PackedScan.of(query, orderBy, fields);
      if (scan != null) {
        boolean lastKeyFirst = scan.wantsLastKeyFirst();
        List<Document> page = scan.page(() -> stored.of(query, lastKeyFirst), lastKeyFirst, skip, limit, this::documentMatchesQuery);
        return super.matchDocumentsFromStream(new Document(), page.stream(), 0, 0, batchSize, null, fields);
      }
      IdRange range = IdRange.of(query, orderBy);
      if (range != null) {
        Document withoutId = Candidates.withoutId(query);
        PackedScan rest = PackedScan.of(withoutId, orderBy, fields);
        if (rest == null) {
          return idRangePage(range, query, skip, limit, batchSize, fields);
        }
        // The range answers the _id condition; the rest is read from the stored bytes, and a page
        // in key order stops once full (runs made between two times, newest first).
        List<Document> page = rest.page(() -> stored.in(range, withoutId), range.descending(), skip, limit, this::documentMatchesQuery);
        return super.matchDocumentsFromStream(new Document(), page.stream(), 0, 0, batchSize, null, fields);
      }
      Candidates.Found candidates = Candidates.candidates(query, indexes, this::byId, key -> getDocument(CompactIds.expand(key)), count());
      return candidates == null
          ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fields)
          : matchDocumentsFromStream(candidates.documents(), candidates.toMatch(), orderBy, skip, limit, batchSize, fields);
    } finally {
      store.deregisterVersionUsage(reading);
    }
  }

  /** The range is read in the order asked for, so the page is cut as it is read. */
  private QueryResult idRangePage(IdRange range, Document query, int skip, int limit, int batchSize, Document fields) {
    List<Document> page = range.values(data)
        .map(PackedDocument::unpack)
        .filter(document -> documentMatchesQuery(document, query))
        .skip(skip)
        .limit(limit > 0 ? limit : Long.MAX_VALUE)
        .toList();
    return super.matchDocumentsFromStream(new Document(), page.stream(), 0, 0, batchSize, null, fields);
  }

  /**
   * Counts without collecting. The stock count runs the query with the projection {@code {_id: 1}}
   * and counts what comes back, so counting the runs of a task with 400,000 of them built 400,000
   * id documents at once, enough to exhaust a 256 MB heap (docs/benchmarks.md, "Retention").
   * A query of indexed equalities only, such as a run list's {@code {status: "COMPLETED"}}, is
   * counted by the indexes without reading a document ({@link MemoryIndexes#exactCount}); one that
   * bounds {@code _id} reads only that range of keys ({@link IdRange}).
   */
  @Override
  public int count(Document query, int skip, int limit) {
    OptionalLong indexed = indexes.exactCount(query);
    if (indexed.isPresent()) {
      return MemoryIndexes.page(indexed.getAsLong(), skip, limit);
    }
    IdRange range = query == null ? null : IdRange.of(query, null);
    PackedScan scan = range != null ? PackedScan.of(Candidates.withoutId(query), null, ID_ONLY)
        : query == null || query.isEmpty() ? null : PackedScan.of(query, null, ID_ONLY);
    if (scan == null) {
      return super.count(query, skip, limit);
    }
    MVStore.TxCounter reading = store.registerVersionUsage();
    try {
      Stream<Object> values = range != null ? stored.in(range, Candidates.withoutId(query)) : stored.of(query, false);
      return MemoryIndexes.page(scan.count(values, this::documentMatchesQuery), skip, limit);
    } finally {
      store.deregisterVersionUsage(reading);
    }
  }

  /** Sorted queries keep only the page they return ({@link SortedSelection}); the rest is the stock path. */
  @Override
  protected QueryResult matchDocumentsFromStream(Stream<Document> documents, Document query, Document orderBy, int skip, int limit,
      int batchSize, Document fields) {
    if (!SortedSelection.handles(orderBy)) {
      return super.matchDocumentsFromStream(documents, query, orderBy, skip, limit, batchSize, fields);
    }
    List<Document> page = SortedSelection.page(documents.filter(document -> documentMatchesQuery(document, query)), orderBy, skip, limit);
    return super.matchDocumentsFromStream(new Document(), page.stream(), 0, 0, batchSize, null, fields);
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
    Collection<String> ids = Candidates.stringIdsIn(lookup);
    if (ids != null) {
      List<Document> found = new ArrayList<>(ids.size());
      for (String key : ids) {
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
