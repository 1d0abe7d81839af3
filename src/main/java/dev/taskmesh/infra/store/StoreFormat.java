package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout of the embedded store's H2 file: which maps hold documents and unique-index keys, and
 * with which types. mongo-java-server's own H2 backend stores both with Java serialization; this
 * project stores them as BSON ({@link DocumentType}, {@link KeyValueType}) under the same map names.
 * A file in the old layout (written before, or by mongo-java-server itself) is converted once, map
 * by map, when it is opened; a marker map says which layout a file has.
 */
final class StoreFormat {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFormat.class);
  static final String MARKER_MAP = "taskmesh.storeFormat";
  static final String CURRENT = "bson-1";
  private static final String DATA_PREFIX = "databases.";
  private static final String INDEX_INFIX = "._index_";

  private StoreFormat() {}

  static boolean isDataMap(String name) {
    return name.startsWith(DATA_PREFIX);
  }

  static boolean isIndexMap(String name) {
    return name.contains(INDEX_INFIX) && !isDataMap(name) && !name.startsWith("meta.");
  }

  /** A collection's data map: values are {@link PackedDocument}s (or documents, see {@link DocumentType}). */
  static MVMap<Object, Object> openData(MVStore store, String name) {
    return store.openMap(name, new MVMap.Builder<Object, Object>().valueType(DocumentType.INSTANCE));
  }

  static MVMap<KeyValue, Object> openIndex(MVStore store, String name) {
    return store.openMap(name, new MVMap.Builder<KeyValue, Object>().keyType(KeyValueType.INSTANCE));
  }

  /** Converts a file in mongo-java-server's layout; a new or current file is left as it is. */
  static void upgrade(MVStore store) {
    MVMap<String, String> marker = store.openMap(MARKER_MAP);
    if (CURRENT.equals(marker.get("layout"))) {
      return;
    }
    List<String> names = store.getMapNames().stream().filter(n -> isDataMap(n) || isIndexMap(n)).toList();
    if (!names.isEmpty()) {
      LOG.info("Converting the embedded store's {} map(s) from Java serialization to BSON (once)", names.size());
    }
    for (String name : names) {
      MVMap<Object, Object> old = store.openMap(name);
      String temporary = name + "#converting";
      if (store.hasMap(temporary)) {
        store.removeMap(temporary); // left by a conversion that was interrupted: start that map again
      }
      if (isDataMap(name)) {
        MVMap<Object, Object> converted = openData(store, temporary);
        for (Map.Entry<Object, Object> entry : old.entrySet()) {
          converted.put(entry.getKey(), PackedDocument.pack((Document) entry.getValue()));
        }
      } else {
        MVMap<KeyValue, Object> converted = openIndex(store, temporary);
        for (Map.Entry<Object, Object> entry : old.entrySet()) {
          converted.put((KeyValue) entry.getKey(), entry.getValue());
        }
      }
      store.removeMap(old);
      store.renameMap(store.openMap(temporary), name);
    }
    marker.put("layout", CURRENT);
    store.commit();
  }
}
