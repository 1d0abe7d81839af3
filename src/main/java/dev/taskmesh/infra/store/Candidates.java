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
   * The ids of a query that pins {@code _id} to a list of strings ({@code {_id: {$in: [...]}}},
   * duplicates removed, in order), or null. mongo-java-server matches such a query against each
   * candidate by comparing its id with every id of the list, once to find it and again to update
   * it, so a multi-document update of n runs costs n² comparisons (each normalising both values):
   * at a few hundred ids per outbox batch, the store's largest cost. The collections split such an
   * update into one update per id instead ({@link #forId}).
   */
  static java.util.Collection<String> stringIdsIn(Document query) {
    if (query == null || !(query.get(ID) instanceof Document operator) || !operator.keySet().equals(Set.of("$in"))
        || !(operator.get("$in") instanceof java.util.Collection<?> ids) || !ids.stream().allMatch(String.class::isInstance)) {
      return null;
    }
    java.util.Set<String> unique = new java.util.LinkedHashSet<>();
    ids.forEach(id -> unique.add((String) id));
    return unique;
  }

  /** The same query for one of its ids: {@code _id} pinned to {@code id}, every other condition kept. */
  static Document forId(Document query, String id) {
    Document one = new Document(query);
    one.put(ID, id);
    return one;
  }

  /** The query without its {@code _id} condition (what is left to match once candidates were found by id). */
  static Document withoutId(Document query) {
    Document rest = new Document(query);
    rest.remove(ID);
    return rest;
  }

  /**
   * Runs a multi-document update whose query pins a list of string ids as one single-document update
   * per id (each through the {@code _id} lookup, O(1)), and adds up their counts; null when the
   * update is of another shape (the caller runs it as it is). Like MongoDB's own multi-document
   * updates, the whole is not atomic; each document's update is.
   */
  static Document updateEachId(Document selector, boolean multi, boolean upsert,
      java.util.function.Function<Document, Document> updateOne) {
    java.util.Collection<String> ids = multi && !upsert ? stringIdsIn(selector) : null;
    if (ids == null) {
      return null;
    }
    int matched = 0;
    int modified = 0;
    for (String id : ids) {
      Document result = updateOne.apply(forId(selector, id));
      matched += ((Number) result.get("n")).intValue();
      modified += ((Number) result.get("nModified")).intValue();
    }
    return new Document("n", matched).append("nModified", modified);
  }

  /**
   * A query's candidates and what is left to match on them. Candidates looked up through the
   * {@code _id} index already have the id the query asks for, so only the rest of the query is
   * matched on them (matching the {@code $in} again would compare every candidate with every id).
   */
  record Found(Stream<Document> documents, Document toMatch) {}

  /**
   * A query's candidates without a scan: through the {@code _id} index when the query pins
   * {@code _id}, else from the indexed flag and key sets it pins, when they narrow it to under half
   * the collection; null otherwise (the collection scans: reading every document in order costs
   * less than looking most of them up one by one).
   */
  static <P> Found candidates(Document query, MemoryIndexes<P> indexes, Function<Document, Iterable<Document>> byId,
      Function<P, Document> atPosition, long collectionSize) {
    Document lookup = idLookup(query);
    if (lookup != null) {
      return new Found(StreamSupport.stream(byId.apply(lookup).spliterator(), false), withoutId(query));
    }
    return indexes.candidates(query, Math.max(1, collectionSize / 2))
        .map(positions -> new Found(positions.stream().map(atPosition).filter(Objects::nonNull), query))
        .orElse(null);
  }
}
