package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.StreamSupport;

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
    Document lookup = IdFirstQuery.idLookup(query);
    if (lookup != null) {
      QueryResult candidates = super.queryDocuments(lookup, null, 0, 0, 0, null);
      return matchDocumentsFromStream(StreamSupport.stream(candidates.spliterator(), false), query, orderBy, skip, limit, batchSize, fields);
    }
    Optional<Set<Integer>> flagged = flags.candidates(query);
    if (flagged.isPresent()) {
      return matchDocumentsFromStream(flagged.get().stream().map(this::getDocument).filter(Objects::nonNull),
          query, orderBy, skip, limit, batchSize, fields);
    }
    return super.queryDocuments(query, orderBy, skip, limit, batchSize, fields);
  }
}
