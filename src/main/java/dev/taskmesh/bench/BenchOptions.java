package dev.taskmesh.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Command-line options of {@code taskmesh bench}; defaults give a full run, {@code --quick} a smoke run. */
public record BenchOptions(
    String scenario,
    Optional<String> url,
    Optional<String> kafka,
    String email,
    String password,
    int pairs,
    double seconds,
    double warmupSeconds,
    int connections,
    int runs,
    List<Double> rates,
    Optional<String> serverCpus,
    Path out,
    int warmupBatches,
    List<String> jvmOptions,
    Optional<Path> systemJar,
    int launchBatch,
    int rateBatch,
    boolean gatewayOnly) {

  public static final String USAGE = """
      Usage: java -jar target/taskmesh.jar bench <http|pipeline|scale|memory|all> [options]
        --url URL            measure a running system, started with RATE_LIMIT_PER_MINUTE=0
                             (default: start one from this jar, embedded default)
        --kafka HOST:PORT    its Kafka, for the Kafka floor (known automatically when the harness starts it)
        --email E --password P   admin login for --url (default: the harness's own admin)
        --pairs N            interleaved baseline/candidate pairs (default 5)
        --seconds S          duration of each measured phase (default 10)
        --warmup S           JIT warm-up before counting (default 5)
        --warmup-batches N   at most N warm-up batches in pipeline and scale, and N warm-up rounds per
                             endpoint in http (default 30): they go on until the started system's JIT
                             compiler uses under 10% of a core
        --jvm-options "..."  JVM options for the systems the harness starts (default none:
                             plain java -jar), e.g. "-Xmx256m" for the memory-capped run
        --system-jar PATH    the jar the harness starts as the system (default: this jar), to
                             compare two builds with the same harness
        --connections N      concurrent requests in closed loops (default 64)
        --runs N             runs per pipeline or scale phase (default 20000; scale: runs/200); http
                             first fills the store with N runs, so its list reads a store of that size
        --launch-batch N     runs per batch launch request in the pipeline (default 100, at most
                             500; 1 measures single launches only)
        --rates R1,R2        fixed launch rates for the pipeline's open loop (default: 50% of measured max)
        --rate-batch N       runs per launch request at fixed rates (default 20, at most 500): a steady
                             stream; the first rate is also measured in bursts of --launch-batch runs
        --gateway-only       http only: the gateway without workers (a started system runs ROLES=api;
                             with --url, start it so): launched runs stay PENDING, nothing waits for
                             them, the list reads PENDING runs. The launch figure without the
                             pipeline's work on the same cores; the judged figure is the all-in-one's
        --server-cpus LIST   pin started servers with taskset (e.g. 0); run the harness itself with taskset -c 1
        --out DIR            where the JSON report goes (default bench-results)
        --quick              a smoke run: 1 pair, 1 s phases, few runs
      """;

  public static BenchOptions parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException("missing scenario");
    }
    String scenario = args[0];
    if (!List.of("http", "pipeline", "scale", "memory", "all").contains(scenario)) {
      throw new IllegalArgumentException("unknown scenario '" + scenario + "'");
    }
    Optional<String> url = Optional.empty();
    Optional<String> kafka = Optional.empty();
    Optional<String> cpus = Optional.empty();
    String email = "admin@taskmesh.local";
    String password = SystemUnderTest.BENCH_PASSWORD;
    int pairs = 5;
    double seconds = 10;
    double warmup = 5;
    int connections = 64;
    int runs = 20_000;
    List<Double> rates = new ArrayList<>();
    Path out = Path.of("bench-results");
    int warmupBatches = 30;
    List<String> jvmOptions = List.of();
    Optional<Path> systemJar = Optional.empty();
    int launchBatch = 100;
    int rateBatch = 20;
    boolean gatewayOnly = false;
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--quick")) {
        pairs = 1;
        seconds = 1;
        warmup = 0.5;
        runs = 200;
        warmupBatches = 1;
        launchBatch = 20;
        rateBatch = 10;
        continue;
      }
      if (flag.equals("--gateway-only")) {
        gatewayOnly = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--url" -> url = Optional.of(value);
        case "--kafka" -> kafka = Optional.of(value);
        case "--email" -> email = value;
        case "--password" -> password = value;
        case "--pairs" -> pairs = positive(flag, value);
        case "--seconds" -> seconds = Double.parseDouble(value);
        case "--warmup" -> warmup = Double.parseDouble(value);
        case "--connections" -> connections = positive(flag, value);
        case "--runs" -> runs = positive(flag, value);
        case "--rates" -> {
          for (String rate : value.split(",")) {
            rates.add(Double.parseDouble(rate));
          }
        }
        case "--server-cpus" -> cpus = Optional.of(value);
        case "--out" -> out = Path.of(value);
        case "--warmup-batches" -> warmupBatches = positive(flag, value);
        case "--launch-batch" -> {
          launchBatch = positive(flag, value);
          if (launchBatch > 500) {
            throw new IllegalArgumentException("--launch-batch: at most 500 runs per request, was " + value);
          }
        }
        case "--rate-batch" -> {
          rateBatch = positive(flag, value);
          if (rateBatch > 500) {
            throw new IllegalArgumentException("--rate-batch: at most 500 runs per request, was " + value);
          }
        }
        case "--jvm-options" -> jvmOptions = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
        case "--system-jar" -> {
          systemJar = Optional.of(Path.of(value));
          if (!java.nio.file.Files.isRegularFile(systemJar.get())) {
            throw new IllegalArgumentException("--system-jar: no file " + value);
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (gatewayOnly && !scenario.equals("http")) {
      throw new IllegalArgumentException("--gateway-only measures the gateway without workers: only with the http scenario, not " + scenario);
    }
    return new BenchOptions(scenario, url, kafka, email, password, pairs, seconds, warmup, connections, runs, rates, cpus, out,
        warmupBatches, jvmOptions, systemJar, launchBatch, rateBatch, gatewayOnly);
  }

  private static int positive(String flag, String value) {
    int parsed = Integer.parseInt(value);
    if (parsed < 1) {
      throw new IllegalArgumentException(flag + " must be at least 1");
    }
    return parsed;
  }
}
