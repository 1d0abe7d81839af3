package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads by string id that ask for a few top-level fields, answered from the stored bytes: the
 * worker's pre-check reads the status, attempt and final flag of each run it is handed, and
 * decoding the whole run for that (its input, result and transitions) was 5% of the bytes the
 * pipeline allocated per run (docs/benchmarks.md, twenty-first round). The fields are read where
 * they lie ({@link RawBson}) into a document of {@code _id} and those fields only; the stock
 * projection is still applied to it, so the answer is the one a whole document would give. A
 * document holding one of them in a type not read there is decoded whole.
 */
final class ProjectedReads {

  private static final String ID = "_id";

  private final Collection<String> ids;
  private final String[] fields;
  private final byte[][] names;

  private ProjectedReads(Collection<String> ids, String[] fields) {
    this.ids = ids;
    this.fields = fields;
    this.names = RawBson.names(fields);
  }

  /**
   * The read for this query, or null unless it is {@code {_id: "..."}} or {@code {_id: {$in: [strings]}}}
   * alone, unsorted and uncut, with a projection that includes top-level fields only.
   */
  static ProjectedReads of(Document query, Document orderBy, int skip, int limit, Document projection) {
    if (query == null || query.size() != 1 || orderBy != null && !orderBy.isEmpty() || skip != 0 || limit != 0
        || projection == null || projection.isEmpty()) {
      return null;
    }
    Collection<String> ids = query.get(ID) instanceof String id ? List.of(id) : Candidates.stringIdsIn(query);
    if (ids == null) {
      return null;
    }
    List<String> fields = new ArrayList<>(projection.size());
    for (Map.Entry<String, Object> entry : projection.entrySet()) {
      String field = entry.getKey();
      boolean included = Integer.valueOf(1).equals(entry.getValue()) || Boolean.TRUE.equals(entry.getValue());
      if (!included || field.isEmpty() || field.indexOf('.') >= 0 || field.charAt(0) == '$') {
        return null;
      }
      if (!field.equals(ID)) {
        fields.add(field);
      }
    }
    return new ProjectedReads(ids, fields.toArray(String[]::new));
  }

  /** The documents found, in the order of the ids asked, each holding only {@code _id} and the projected fields. */
  List<Document> read(Function<String, Object> storedById) {
    List<Document> found = new ArrayList<>(ids.size());
    for (String id : ids) {
      Object stored = storedById.apply(id);
      if (stored != null) {
        found.add(fieldsOf(id, stored));
      }
    }
    return found;
  }

  private Document fieldsOf(String id, Object stored) {
    if (!(stored instanceof PackedDocument packed)) {
      return PackedDocument.unpack(stored);
    }
    Object[] values = RawBson.read(packed.bson, names);
    Document document = new Document(ID, id);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == RawBson.UNREAD) {
        return PackedDocument.unpack(stored);
      }
      if (values[i] != Missing.getInstance()) {
        document.put(fields[i], values[i]);
      }
    }
    return document;
  }
}
