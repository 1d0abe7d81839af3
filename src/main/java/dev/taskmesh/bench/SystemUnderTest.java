package dev.taskmesh.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The system being measured: either a process this harness starts from its own jar (embedded default,
 * fresh data dir, so RSS and the Kafka address are known), or an existing URL.
 */
public final class SystemUnderTest implements AutoCloseable {

  public static final String BENCH_PASSWORD = "bench-password-123";
  private static final Pattern KAFKA_LINE = Pattern.compile("(?m)^\\s+Kafka\\s+(\\S+)");

  private final String baseUrl;
  private final Process process;
  private final Path workDir;
  private final String kafkaBootstrap;

  private SystemUnderTest(String baseUrl, Process process, Path workDir, String kafkaBootstrap) {
    this.baseUrl = baseUrl;
    this.process = process;
    this.workDir = workDir;
    this.kafkaBootstrap = kafkaBootstrap;
  }

  public static SystemUnderTest attach(String baseUrl, String kafkaBootstrap) {
    return new SystemUnderTest(baseUrl, null, null, kafkaBootstrap);
  }

  /**
   * Starts {@code java <jvmOptions> -jar <jar>} (by default this jar) with the given extra
   * environment, pinned to {@code cpus} when set.
   */
  public static SystemUnderTest start(Map<String, String> env, BenchOptions options) throws Exception {
    String cpus = options.serverCpus().orElse(null);
    List<String> jvmOptions = options.jvmOptions();
    int port = freePort();
    Path dir = Files.createTempDirectory("taskmesh-bench");
    List<String> command = new ArrayList<>();
    if (cpus != null && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.add(javaBinary());
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", options.systemJar().map(Path::toString).orElseGet(SystemUnderTest::ownJar)));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .redirectError(dir.resolve("stderr.log").toFile());
    // The per-caller rate limit would measure itself. The access log has a level of its own: its
    // JSON line per request is measured apart (docs/benchmarks.md), and set LOG_ACCESS_LEVEL=INFO
    // for the harness to keep it on.
    builder.environment().putAll(Map.of("DATA_DIR", dir.resolve("data").toString(), "HTTP_PORT", Integer.toString(port),
        "ADMIN_PASSWORD", BENCH_PASSWORD, "LOG_LEVEL", "WARN", "RATE_LIMIT_PER_MINUTE", "0",
        "LOG_ACCESS_LEVEL", System.getenv().getOrDefault("LOG_ACCESS_LEVEL", "WARN")));
    builder.environment().putAll(env);
    Process process = builder.start();
    String url = "http://127.0.0.1:" + port;
    awaitReady(process, url, dir);
    Matcher kafka = KAFKA_LINE.matcher(Files.readString(dir.resolve("stdout.log")));
    return new SystemUnderTest(url, process, dir, kafka.find() ? kafka.group(1) : null);
  }

  private static void awaitReady(Process process, String url, Path dir) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("System under test exited: " + Files.readString(dir.resolve("stderr.log")));
      }
      try {
        HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(url + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("System under test not ready within 90 s");
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /**
   * CPU seconds the started process's JIT compiler threads have used so far (Linux, when this
   * harness started the process): the warm-up goes on until they fall quiet.
   */
  public OptionalDouble compilerCpuSeconds() {
    return threadCpuSeconds(true);
  }

  /**
   * CPU seconds the started process has used so far outside its JIT compiler threads: the work
   * itself, which divided by the runs of a batch gives a cost per run that a busy neighbour on
   * the machine or a late compilation does not blur as much as a rate does.
   */
  public OptionalDouble workCpuSeconds() {
    return threadCpuSeconds(false);
  }

  private OptionalDouble threadCpuSeconds(boolean compilers) {
    if (process == null) {
      return OptionalDouble.empty();
    }
    Path tasks = Path.of("/proc/" + process.pid() + "/task");
    try (var threads = Files.list(tasks)) {
      long ticks = 0;
      for (Path thread : threads.toList()) {
        try {
          String name = Files.readString(thread.resolve("comm"));
          boolean compiler = name.startsWith("C2 Compiler") || name.startsWith("C1 Compiler");
          if (compiler == compilers) {
            // utime and stime are the 2nd and 3rd fields after the name, which is in parentheses.
            String stat = Files.readString(thread.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          }
        } catch (java.io.IOException | RuntimeException e) {
          // a thread that exited meanwhile
        }
      }
      return OptionalDouble.of(ticks / (double) CLOCK_TICKS_PER_SECOND);
    } catch (java.io.IOException e) {
      return OptionalDouble.empty();
    }
  }

  /** USER_HZ: 100 on every Linux this runs on. */
  private static final int CLOCK_TICKS_PER_SECOND = 100;

  /** Resident memory of the started process in MB, when this harness started it. */
  public OptionalLong rssMb() {
    if (process == null) {
      return OptionalLong.empty();
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  @Override
  public void close() throws Exception {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      deleteRecursively(workDir);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The shaded jar this code runs from (or {@code -Dtaskmesh.jar=...}, as the integration tests set it). */
  static String ownJar() {
    String configured = System.getProperty("taskmesh.jar");
    if (configured != null) {
      return configured;
    }
    try {
      return Path.of(SystemUnderTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot locate the taskmesh jar", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
