package dev.taskmesh.support;

import dev.taskmesh.Application;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The whole application in the test's JVM (embedded broker, in-memory store): the fast fixture for ITs. */
public final class InProcessApp implements AutoCloseable {

  private final Application application;
  public final int httpPort;

  private InProcessApp(Application application, int httpPort) {
    this.application = application;
    this.httpPort = httpPort;
  }

  /** Starts with the given environment variables on top of test defaults (free port, memory store). */
  public static InProcessApp start(Path dataDir, Map<String, String> env) throws Exception {
    int port = AppProcess.freePort();
    Map<String, String> environment = new HashMap<>(Map.of(
        "DATA_DIR", dataDir.toString(),
        "HTTP_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1",
        "API_INSTANCES", "1",
        "MONGO_EMBEDDED_BACKEND", "memory",
        "ADMIN_PASSWORD", "test-password-123"));
    environment.putAll(env);
    Vertx bootstrap = Vertx.vertx();
    AppConfig config;
    try {
      config = ConfigLoader.load(bootstrap, Optional.empty(), environment, new Properties()).await();
    } finally {
      bootstrap.close().await();
    }
    Application application = new Application(config);
    application.start(System.nanoTime());
    return new InProcessApp(application, port);
  }

  public Http http() {
    return new Http(httpPort);
  }

  public AppConfig config() {
    return application.config();
  }

  @Override
  public void close() {
    application.stop();
  }
}
