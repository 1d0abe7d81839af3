package dev.taskmesh.infra;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import dev.taskmesh.infra.store.InsertAdmission;
import dev.taskmesh.infra.store.LocalStore;
import dev.taskmesh.infra.store.StoreBackends;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB-wire-compatible development store (mongo-java-server). It speaks the protocol the
 * MongoDB driver uses, so the application code is the same as against a real MongoDB; production
 * uses MongoDB itself (docker-compose). The H2 backend persists under the data dir; on a hard kill
 * it may lose about the last second of writes (MVStore's auto-commit delay), a graceful stop loses nothing.
 */
public final class EmbeddedMongo implements AutoCloseable {

  private final MongoServer server;
  private final MongoBackend backend;
  private final InetSocketAddress address;
  private final LocalStore local;
  private boolean closed;

  private EmbeddedMongo(MongoServer server, MongoBackend backend, InetSocketAddress address, boolean local) {
    this.server = server;
    this.backend = backend;
    this.address = address;
    this.local = local ? LocalStore.open(connectionString(), backend) : null;
  }

  /**
   * Starts on {@code host:port} (port 0 picks a free one), persisting to {@code dataDir/mongo} unless in
   * memory, with H2 tuned as {@code tuning}.
   */
  public static EmbeddedMongo start(Path dataDir, String host, int port, boolean inMemory, StoreBackends.H2Tuning tuning) {
    return start(dataDir, host, port, inMemory, tuning, InsertAdmission.always(), false);
  }

  /**
   * As {@link #start(Path, String, int, boolean, StoreBackends.H2Tuning)}, taking inserts as {@code admission} says; with
   * {@code inProcess}, clients of this process configured with its connection string reach it
   * without the wire protocol ({@link LocalStore}). A store a test stops and restarts to play an
   * outage must not be one: its clients would keep the stopped one.
   */
  public static EmbeddedMongo start(Path dataDir, String host, int port, boolean inMemory, StoreBackends.H2Tuning tuning,
      InsertAdmission admission, boolean inProcess) {
    MongoBackend backend = inMemory ? StoreBackends.memory(admission) : StoreBackends.h2(storeFile(dataDir).toString(), tuning, admission);
    MongoServer server = new MongoServer(backend);
    try {
      server.bind(new InetSocketAddress(host, port));
    } catch (RuntimeException e) {
      backend.close();
      throw new EmbeddedInfraException("Embedded store cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
    }
    return new EmbeddedMongo(server, backend, server.getLocalAddress(), inProcess);
  }

  private static Path storeFile(Path dataDir) {
    Path dir = dataDir.resolve("mongo");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new EmbeddedInfraException("Embedded store cannot create its directory " + dir.toAbsolutePath() + ": " + rootMessage(e), e);
    }
    if (!Files.isWritable(dir)) {
      throw new EmbeddedInfraException("Embedded store directory is not writable: " + dir.toAbsolutePath());
    }
    return dir.resolve("taskmesh.mv");
  }

  public String connectionString() {
    return "mongodb://" + address.getHostString() + ":" + address.getPort();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (local != null) {
      local.close();
    }
    server.shutdown();
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
