package dev.taskmesh.support;

import dev.taskmesh.Application;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The whole application in this JVM (embedded broker, in-memory store, free port): one per IT class. */
public final class InProcessApp implements AutoCloseable {

  public static final String ADMIN_EMAIL = "admin@taskmesh.local";
  public static final String ADMIN_PASSWORD = "admin-password-1";

  private final Application application;
  private final int port;
  private final Path dataDir;

  private InProcessApp(Application application, int port, Path dataDir) {
    this.application = application;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static InProcessApp start(Map<String, String> overrides) throws Exception {
    Path dir = Files.createTempDirectory("taskmesh-it");
    int port = AppProcess.freePort();
    Map<String, String> env = new HashMap<>(Map.of(
        "DATA_DIR", dir.toString(),
        "HTTP_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1",
        "MONGO_EMBEDDED_BACKEND", "memory",
        "ADMIN_PASSWORD", ADMIN_PASSWORD,
        "KAFKA_PARTITIONS", "2",
        "OUTBOX_SWEEP_MS", "500"));
    env.putAll(overrides);
    Vertx bootstrap = Vertx.vertx();
    AppConfig config;
    try {
      config = ConfigLoader.load(bootstrap, Optional.empty(), env, new Properties()).await();
    } finally {
      bootstrap.close().await();
    }
    Application application = new Application(config);
    try {
      application.start(System.nanoTime());
    } catch (RuntimeException e) {
      application.stop();
      throw e;
    }
    return new InProcessApp(application, port, dir);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Application application() {
    return application;
  }

  public Vertx vertx() {
    return application.vertx();
  }

  @Override
  public void close() {
    application.stop();
  }
}
