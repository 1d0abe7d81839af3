package dev.taskmesh.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar taskmesh.jar bench <scenario> [options]}: measures a running system (or one it
 * starts from this jar) and prints a table; the JSON report goes to {@code bench-results/}.
 */
public final class BenchCommand {

  private BenchCommand() {}

  /** Returns the process exit code. */
  public static int run(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.print(BenchOptions.USAGE);
      return 2;
    }
    // One event loop: the load generator stays on one core, leaving the other to the server.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      for (JsonObject result : runScenarios(options, vertx)) {
        result.put("goals", Goals.toJson(Goals.judge(result)));
        Path file = Report.write(result, options.out());
        Report.print(result, System.out);
        System.out.println("report: " + file);
      }
      return 0;
    } catch (Exception e) {
      System.err.println();
      System.err.println("bench failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }

  static List<JsonObject> runScenarios(BenchOptions options, Vertx vertx) throws Exception {
    List<JsonObject> results = new ArrayList<>();
    boolean all = options.scenario().equals("all");
    if (all || !options.scenario().equals("scale")) {
      try (SystemUnderTest sut = options.url().isPresent()
          ? SystemUnderTest.attach(options.url().get(), options.kafka().orElse(null))
          : SystemUnderTest.start(options.gatewayOnly() ? Map.of("ROLES", "api") : Map.of(), options)) {
        if (all || options.scenario().equals("memory")) {
          results.add(MemoryScenario.run(options, sut, vertx));
        }
        if (all || options.scenario().equals("http")) {
          results.add(HttpScenario.run(options, sut, vertx));
        }
        if (all || options.scenario().equals("pipeline")) {
          results.add(PipelineScenario.run(options, sut, vertx));
        }
      }
    }
    if (all || options.scenario().equals("scale")) {
      results.add(ScaleScenario.run(options, vertx));
    }
    // A report says how the measured JVM was started: a capped heap changes every figure.
    results.forEach(result -> result.put("jvmOptions", new io.vertx.core.json.JsonArray(options.url().isPresent() ? List.of() : options.jvmOptions())));
    if (options.gatewayOnly()) {
      results.forEach(result -> result.put("gatewayOnly", true));
    }
    options.systemJar().filter(jar -> options.url().isEmpty()).ifPresent(jar -> results.forEach(result -> result.put("systemJar", jar.toString())));
    return results;
  }
}
