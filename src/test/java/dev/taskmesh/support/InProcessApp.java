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

/** The whole application in the test's JVM (embedded broker, in-memory store, free port): the fast fixture for ITs, one per IT class. */
public final class InProcessApp implements AutoCloseable {

  public static final String ADMIN_EMAIL = "admin@taskmesh.local";
  public static final String ADMIN_PASSWORD = "test-password-123";

  private final Application application;
  public final int httpPort;
  private final Path dataDir;
  private final boolean ownsDataDir;

  private InProcessApp(Application application, int httpPort, Path dataDir, boolean ownsDataDir) {
    this.application = application;
    this.httpPort = httpPort;
    this.dataDir = dataDir;
    this.ownsDataDir = ownsDataDir;
  }

  /** Starts in a new temporary data dir with the given environment variables on top of the test defaults. */
  public static InProcessApp start(Map<String, String> env) throws Exception {
    Path dataDir = Files.createTempDirectory("taskmesh-it");
    try {
      return start(dataDir, env, true);
    } catch (Exception | Error e) {
      TempDirs.deleteQuietly(dataDir);
      throw e;
    }
  }

  /** Starts with the given environment variables on top of test defaults (free port, memory store). */
  public static InProcessApp start(Path dataDir, Map<String, String> env) throws Exception {
    return start(dataDir, env, false);
  }

  private static InProcessApp start(Path dataDir, Map<String, String> env, boolean ownsDataDir) throws Exception {
    int port = AppProcess.freePort();
    Map<String, String> environment = new HashMap<>(Map.of(
        "DATA_DIR", dataDir.toString(),
        "HTTP_PORT", Integer.toString(port),
        "HTTP_HOST", "127.0.0.1",
        "API_INSTANCES", "1",
        "MONGO_EMBEDDED_BACKEND", "memory",
        "ADMIN_PASSWORD", ADMIN_PASSWORD));
    environment.putAll(env);
    Vertx bootstrap = Vertx.vertx();
    AppConfig config;
    try {
      config = ConfigLoader.load(bootstrap, Optional.empty(), environment, new Properties()).await();
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
    return new InProcessApp(application, port, dataDir, ownsDataDir);
  }

  private String adminToken;

  /** A client logged in as the admin (the API needs a token on every route but login and task types). */
  public synchronized Http http() {
    if (adminToken == null) {
      adminToken = new ApiClient(httpPort).login(ADMIN_EMAIL, ADMIN_PASSWORD);
    }
    return new Http(httpPort, adminToken);
  }

  /**
   * Creates a task of {@code type} with {@code input} as the admin and launches it, with the given
   * W3C traceparent (may be null); answers the launch response (202 and the run).
   */
  public java.net.http.HttpResponse<String> launchRun(String type, io.vertx.core.json.JsonObject input, String traceparent) throws Exception {
    Http admin = http();
    java.net.http.HttpResponse<String> task = admin.postJson("/api/tasks",
        new io.vertx.core.json.JsonObject().put("title", type + " run").put("type", type).put("input", input));
    if (task.statusCode() != 201) {
      throw new AssertionError("task not created: " + task.statusCode() + " " + task.body());
    }
    String taskId = new io.vertx.core.json.JsonObject(task.body()).getString("id");
    java.net.http.HttpRequest.Builder launch = java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + httpPort + "/api/tasks/" + taskId + "/runs"))
        .header("Authorization", "Bearer " + adminToken)
        .POST(java.net.http.HttpRequest.BodyPublishers.noBody());
    if (traceparent != null) {
      launch.header("traceparent", traceparent);
    }
    return java.net.http.HttpClient.newHttpClient().send(launch.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  public int port() {
    return httpPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  public AppConfig config() {
    return application.config();
  }

  public Application application() {
    return application;
  }

  public Vertx vertx() {
    return application.vertx();
  }

  /** Stops the application, and removes the data dir if {@link #start(Map)} made it. */
  @Override
  public void close() {
    application.stop();
    if (ownsDataDir) {
      TempDirs.deleteQuietly(dataDir);
    }
  }
}
