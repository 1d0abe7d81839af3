package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

/**
 * The embedded store's backends with {@code _id}-first queries ({@link IdFirstQuery}). The H2 one
 * opens its maps under the same names as mongo-java-server 1.47.0's own H2 database, so a data dir
 * written by either reads back with the other.
 */
public final class StoreBackends {

  private StoreBackends() {}

  public static MongoBackend memory() {
    return new MemoryBackend() {
      @Override
      public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
          @Override
          protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
            return new IdFirstMemoryCollection(this, name, options, cursorRegistry);
          }
        };
      }
    };
  }

  public static MongoBackend h2(String fileName) {
    return new H2Backend(fileName) {
      @Override
      protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new H2Database(databaseName, getMvStore(), getCursorRegistry()) {
          @Override
          protected MongoCollection<Object> openOrCreateCollection(String name, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(name);
            return new IdFirstH2Collection(this, name, options, getMvStore().openMap("databases." + namespace),
                getMvStore().openMap("meta." + namespace), cursorRegistry);
          }
        };
      }
    };
  }
}
