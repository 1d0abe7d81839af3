package dev.taskmesh.infra.store;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded store of this process, reached without the wire protocol: commands go to its backend
 * as documents, on threads of its own (the backend blocks), and answers come back on the caller's
 * context. Over the wire the same command costs an encoding by the driver, a decoding by the
 * server, the same for the answer, and two trips through the loopback interface; about half of
 * what a run allocated was that (docs/benchmarks.md).
 *
 * <p>Registered under the connection string the store listens on, so a client configured with
 * that string finds it ({@link #at}); a client of any other store, or in another process, speaks
 * the wire protocol as before.
 */
public final class LocalStore implements AutoCloseable {

  /** Threads that run commands; the server's own workers are as many (two per core, at least 4). */
  static final int THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private static final Map<String, LocalStore> BY_URI = new ConcurrentHashMap<>();

  private final String uri;
  private final MongoBackend backend;
  private final ExecutorService threads;
  // The backend keeps per-connection state (the last write's status) in unsynchronised lists, one
  // per channel; the server runs one connection's commands one at a time. So: a channel per thread.
  private final ThreadLocal<Channel> channels = ThreadLocal.withInitial(EmbeddedChannel::new);

  /** What runs on a store thread: any number of commands, in order, on one channel. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Commands commands);
  }

  /** Commands of one piece of work; a failed command throws the backend's own exception. */
  @FunctionalInterface
  public interface Commands {
    Document command(String database, String name, Document body);
  }

  private LocalStore(String uri, MongoBackend backend) {
    this.uri = uri;
    this.backend = backend;
    AtomicInteger counter = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(THREADS, task -> {
      Thread thread = new Thread(task, "store-local-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Makes {@code backend}, listening at {@code uri}, reachable in this process; replaces an earlier one at that uri. */
  public static LocalStore open(String uri, MongoBackend backend) {
    LocalStore store = new LocalStore(uri, backend);
    LocalStore earlier = BY_URI.put(uri, store);
    if (earlier != null) {
      earlier.threads.shutdown();
    }
    return store;
  }

  /** The store of this process listening at {@code uri}, if there is one. */
  public static Optional<LocalStore> at(String uri) {
    return Optional.ofNullable(BY_URI.get(uri));
  }

  /** Runs {@code work} on a store thread; completes on the caller's context (if it has one). */
  public <T> Future<T> execute(Vertx vertx, Work<T> work) {
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    Promise<T> done = context.promise();
    try {
      threads.execute(() -> {
        try {
          Channel channel = channels.get();
          done.complete(work.run((database, name, body) -> backend.handleCommand(channel, database, name, body)));
        } catch (Throwable failure) {
          done.fail(failure);
        }
      });
    } catch (RejectedExecutionException e) {
      done.fail(new IllegalStateException("the embedded store is closed", e));
    }
    return done.future();
  }

  /** No longer reachable; commands still running finish. The backend is closed by its owner. */
  @Override
  public void close() {
    BY_URI.remove(uri, this);
    threads.shutdown();
  }
}
