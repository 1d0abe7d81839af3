package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.Document;
import java.util.Collections;
import java.util.List;
import java.util.Map.Entry;
import java.util.Set;
import org.h2.mvstore.MVMap;

/**
 * mongo-java-server's H2 unique index, over a map whose keys are {@link KeyValueType}.
 *
 * <p>An index of one top-level field (the {@code _id} index of every collection) reads a document's
 * string value straight from it: the stock index splits the key's path with a regular expression
 * and collects the values through maps and streams, three times per insert, 3.7% of the bytes
 * allocated per run (docs/benchmarks.md, twenty-first round). Any other value or index takes the
 * stock path, and so does a duplicate, so that it fails with the stock error.
 */
final class BsonUniqueIndex extends AbstractUniqueIndex<Object> {

  private final MVMap<KeyValue, Object> map;
  private final String topLevelField; // null unless the index has one key, without a dot

  BsonUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
    super(name, keys, sparse);
    this.map = map;
    this.topLevelField = keys.size() == 1 && keys.get(0).getKey().indexOf('.') < 0 ? keys.get(0).getKey() : null;
  }

  /** The key of a document whose indexed field is a string (what the stock path makes of it, normalized or not), else null. */
  private KeyValue stringKey(Document document) {
    return topLevelField != null && document.get(topLevelField) instanceof String value ? new KeyValue(value) : null;
  }

  @Override
  public Set<KeyValue> getKeyValues(Document document) {
    KeyValue key = stringKey(document);
    return key != null ? Collections.singleton(key) : super.getKeyValues(document);
  }

  @Override
  public synchronized void checkAdd(Document document, MongoCollection<Object> collection) {
    KeyValue key = stringKey(document);
    if (key == null || containsKey(key)) {
      super.checkAdd(document, collection);
    }
  }

  @Override
  protected Object removeDocument(KeyValue key) {
    return map.remove(key);
  }

  @Override
  protected boolean putKeyPosition(KeyValue key, Object position) {
    return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
  }

  @Override
  protected Iterable<Entry<KeyValue, Object>> getIterable() {
    return map.entrySet();
  }

  @Override
  protected Object getPosition(KeyValue key) {
    return map.get(key);
  }

  @Override
  public long getCount() {
    return map.sizeAsLong();
  }

  @Override
  public boolean isEmpty() {
    return map.isEmpty();
  }

  @Override
  public long getDataSize() {
    return getCount();
  }
}
