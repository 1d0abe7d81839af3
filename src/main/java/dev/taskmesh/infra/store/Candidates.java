package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * mongo-java-server uses its {@code _id} index only for a query that is exactly {@code {_id: x}};
 * a guarded write such as {@code {_id: x, final: false, seq: {$lt: n}}} scans the whole collection,
 * so every status write costs O(runs) and the embedded store slows down as runs accumulate. When a
 * query pins {@code _id}, the collections of this package fetch the candidates through the index
 * with {@code {_id: x}} alone and then match the full query on them: same results, O(1).
 */
final class Candidates {

  private static final String ID = "_id";

  private Candidates() {}

  /** The {@code {_id: ...}} sub-query to look candidates up with, or null when the index cannot narrow the query. */
  static Document idLookup(Document query) {
    if (query == null || query.size() < 2 || !query.containsKey(ID)) {
      return null;
    }
    Object id = query.get(ID);
    boolean plain = id instanceof String || id instanceof Number || id instanceof UUID || id instanceof ObjectId;
    boolean in = id instanceof Document operator && operator.keySet().equals(Set.of("$in"));
    return plain || in ? new Document(ID, id) : null;
  }

  /**
   * A query's candidates without a scan: through the {@code _id} index when the query pins
   * {@code _id}, else from the smallest indexed flag or key set it pins; null when neither narrows
   * it (the collection scans). The collection matches the full query on the candidates.
   */
  static <P> Stream<Document> candidates(Document query, MemoryIndexes<P> indexes, Function<Document, Iterable<Document>> byId,
      Function<P, Document> atPosition) {
    Document lookup = idLookup(query);
    if (lookup != null) {
      return StreamSupport.stream(byId.apply(lookup).spliterator(), false);
    }
    return indexes.candidates(query).map(positions -> positions.stream().map(atPosition).filter(Objects::nonNull)).orElse(null);
  }
}
