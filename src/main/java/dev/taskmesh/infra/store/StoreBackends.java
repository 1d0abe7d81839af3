package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerException;
import io.netty.channel.Channel;
import java.util.List;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store's backends with {@code _id}-first queries ({@link Candidates}). The H2 one
 * keeps mongo-java-server 1.47.0's map names but stores documents and index keys as BSON
 * ({@link StoreFormat}); a data dir in mongo-java-server's own layout is converted when opened.
 */
public final class StoreBackends {

  private static final Logger LOG = LoggerFactory.getLogger(StoreBackends.class);

  /**
   * What the embedded store indexes in memory ({@link MemoryIndexes}), its stand-in for the MongoDB
   * indexes {@code RunRepository.createIndexes} declares: the flags the pipeline's sweeps query
   * (unpublished runs are {@code outbox: true}, unfinished ones {@code final: false}), the runs
   * of a task ({@code taskId}) and of a status ({@code status}; a query pinning both walks the
   * smaller set, as MongoDB would use the {@code taskId, status} index).
   */
  static final MemoryIndexes.Spec INDEXED = new MemoryIndexes.Spec(java.util.Map.of("outbox", true, "final", false), java.util.Set.of("taskId", "status"),
      // the totals of run lists: a task's by status; a user's (every list of a non-admin), by status and task
      java.util.Set.of(java.util.Set.of("taskId", "status"), java.util.Set.of("launchedBy"), java.util.Set.of("launchedBy", "status"),
          java.util.Set.of("launchedBy", "taskId"), java.util.Set.of("launchedBy", "taskId", "status")));

  private StoreBackends() {}

  public static MongoBackend memory() {
    return memory(InsertAdmission.always());
  }

  /** The in-memory backend, taking inserts as {@code admission} says. */
  public static MongoBackend memory(InsertAdmission admission) {
    return new MemoryBackend() {
      @Override
      public Document handleCommand(Channel channel, String database, String command, Document query) {
        InsertAdmission.check(admission, command, query);
        return super.handleCommand(channel, database, command, query);
      }

      @Override
      public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
          @Override
          protected MemoryCollection openOrCreateCollection(String name, CollectionOptions options) {
            return new IndexedMemoryCollection(this, name, options, cursorRegistry, INDEXED);
          }
        };
      }
    };
  }

  /**
   * Unsaved changes that make H2 write before its auto-commit delay (one second) is up. H2's 1 MB
   * default is reached many times a second under load: copy-on-write pages count in full, so each
   * status write adds a page. Every such commit encoded each dirty page again, with every document
   * on it, and the pipeline's hot pages (the latest runs) were dirty in each (docs/benchmarks.md,
   * fourth round).
   *
   * <p>It is at most 2 MB, though, because H2 2.3 encodes a commit into a buffer that starts at 1 MB,
   * grows by half each time it is full, and is kept for the next commit only while it is at most 4
   * MB ({@code WriteBuffer}, {@code FileStore.releaseWriteBuffer}). With 32 MB, as here before, the
   * pipeline's commits allocated buffers of 2, 3, 4.5, 6.75 and 10 MB and more, and dropped them:
   * G1 puts arrays of 2 MB or more in regions of their own, which wait for a concurrent cycle, and
   * they held a third of a heap dump's heap. With 4 MB the commits still outgrew 4 MB; with 2 MB
   * they stay under it and one 3 MB buffer serves them all (docs/benchmarks.md, seventeenth round).
   * And it is at most a 32nd of the maximum heap: the unsaved pages live in the heap until H2
   * encodes them (docs/benchmarks.md, "Retention").
   */
  static final int AUTO_COMMIT_BUFFER_KB = autoCommitBufferKb(Runtime.getRuntime().maxMemory());

  /** The auto-commit buffer for a heap of {@code maxHeapBytes}: a 32nd of it, between 1 and 2 MB. */
  static int autoCommitBufferKb(long maxHeapBytes) {
    return (int) Math.max(1024, Math.min(2 * 1024, maxHeapBytes / 32 / 1024));
  }

  /**
   * H2's {@code autoCompactFillRate}, in percent: 50, where H2's default is 90. It decides how empty
   * chunks must be before H2 rewrites them in the background. H2 works harder when it finds the store
   * idle for a moment (every chunk under 80% full then qualifies, and it rewrites four times as much
   * at once), so the first requests after a burst and a short pause met a store busy rewriting
   * pages, under the same map locks the writes take. Runs are rewritten three times within
   * milliseconds of their insert, so chunks die fast and there was always something to rewrite: in
   * the pipeline benchmark, a fixed-rate batch right after a full-speed one waited ~0.5 s in about
   * one run in four (6 of 23), and in 1 of 13 since. At 50 the idle rewrite never happens, and a
   * busy store rewrites only chunks under 25% full, a quarter as much at a time. The price is a
   * larger file: +23% after ~200,000 runs (docs/benchmarks.md, twentieth round).
   */
  static final int AUTO_COMPACT_FILL_RATE = 50;

  /**
   * How long H2 lets changes wait in the heap before its background writer commits them, in ms:
   * 200, where H2's default is 1,000 (a full commit buffer commits sooner either way). In the
   * pipeline benchmark at half the full-speed rate, every fixed-rate batch's p99 was 15–18 ms with
   * 200 against 21–32 ms with 1,000 (two pairs, 8 batches each), the young collections' survivors a
   * little smaller, and the data file the same size; full speed was within the noise to a fifth
   * lower (docs/benchmarks.md, twenty-first round). {@code mongo.embeddedCommitDelayMs} changes it.
   */
  public static final int DEFAULT_COMMIT_DELAY_MS = 200;

  /**
   * Whether H2 has given up on the store after a failed write: it records the failure, and its
   * {@code isClosed()} stays false while the store is left half-stopped.
   */
  static boolean closedByAFailure(MVStore store) {
    return store.getPanicException() != null || store.isClosed();
  }

  /**
   * H2's page cache, in MB: 4, a quarter of H2's own default. At each commit H2 drops the saved pages from its
   * trees, and a page needed again is read back from the file into this cache, where it stays until
   * evicted, even after a write has replaced it with a new copy. Under the pipeline's load the cache
   * is mostly such stale copies of the latest runs' pages. They live tens of seconds, long enough
   * to be copied at every young collection: in a heap dump taken just after one, the 16 MB cache held
   * 65% of what the collection had copied, and 4 MB shortened the median pause by a sixth
   * (docs/benchmarks.md, "Fifteenth round"), while reads that reach the store stayed within the
   * noise. The write hangs after a store restart that held this back came from connections the old
   * store never closed, and the store clients now give up on those ({@code mongo.socketTimeoutMs}).
   */
  public static final int DEFAULT_CACHE_MB = 4;

  /** What an operator may tune of the H2 backend: its page cache, and how long changes wait for its background writer. */
  public record H2Tuning(int cacheMb, int commitDelayMs) {
    public static final H2Tuning DEFAULTS = new H2Tuning(DEFAULT_CACHE_MB, DEFAULT_COMMIT_DELAY_MS);
  }

  /** The H2 backend on {@code fileName} with the default tuning. */
  public static MongoBackend h2(String fileName) {
    return h2(fileName, H2Tuning.DEFAULTS, InsertAdmission.always());
  }

  /**
   * The H2 backend on {@code fileName}, in this project's layout ({@link StoreFormat}), converted
   * first if older, with a page cache of {@code cacheMb} (0: none, every page read decodes from the file).
   */
  public static MongoBackend h2(String fileName, int cacheMb) {
    return h2(fileName, new H2Tuning(cacheMb, DEFAULT_COMMIT_DELAY_MS), InsertAdmission.always());
  }

  /** The H2 backend on {@code fileName} tuned as {@code tuning}, taking inserts as {@code admission} says. */
  public static MongoBackend h2(String fileName, H2Tuning tuning, InsertAdmission admission) {
    MVStore store = new MVStore.Builder().fileName(fileName).autoCommitBufferSize(AUTO_COMMIT_BUFFER_KB)
        .autoCompactFillRate(AUTO_COMPACT_FILL_RATE).cacheSize(tuning.cacheMb()).open();
    store.setAutoCommitDelay(tuning.commitDelayMs());
    StoreFormat.upgrade(store);
    return new H2Backend(store) {
      /**
       * A failed write makes H2 close its store for good ("This store is closed"), while the server
       * still answers; so a ping, which the health check sends, fails too, and the process is
       * reported not ready instead of failing every store request behind a healthy status.
       */
      @Override
      public Document handleCommand(Channel channel, String database, String command, Document query) {
        if ("ping".equalsIgnoreCase(command) && closedByAFailure(getMvStore())) {
          MVStoreException cause = getMvStore().getPanicException();
          throw new MongoServerException("the embedded store closed itself after a failed write ("
              + (cause == null ? "no cause recorded" : cause.getMessage()) + "); restart the process to reopen it");
        }
        InsertAdmission.check(admission, command, query);
        return super.handleCommand(channel, database, command, query);
      }

      /**
       * H2 2.3.232's {@code close()} of a store it closed itself after a failed write spins in
       * {@code closeStore} for ever (found here: a core at 100% and a stop that never ends); there
       * is nothing left to write, so it is not asked to.
       */
      @Override
      public void close() {
        if (closedByAFailure(getMvStore())) {
          LOG.warn("The embedded store was closed by a failed write earlier; stopping without closing it again");
          return;
        }
        super.close();
      }

      @Override
      protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new H2Database(databaseName, getMvStore(), getCursorRegistry()) {
          @Override
          protected MongoCollection<Object> openOrCreateCollection(String name, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(name);
            return new IndexedH2Collection(this, name, options, StoreFormat.openData(getMvStore(), "databases." + namespace),
                getMvStore().openMap("meta." + namespace), cursorRegistry, INDEXED);
          }

          @Override
          protected Index<Object> openOrCreateUniqueIndex(String collection, String indexName, List<IndexKey> keys, boolean sparse) {
            String mapName = getFullCollectionNamespace(collection) + "._index_" + indexName;
            return new BsonUniqueIndex(StoreFormat.openIndex(getMvStore(), mapName), indexName, keys, sparse);
          }
        };
      }
    };
  }
}
