package dev.taskmesh.bench;

import dev.taskmesh.infra.KafkaTopics;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own tools on the same broker, as the floor the pipeline is compared with:
 * {@code org.apache.kafka.tools.EndToEndLatency} and {@code ProducerPerformance} (kafka-tools 3.7.1),
 * each in a child JVM so they do not share a heap or JIT with the harness.
 */
public final class KafkaFloor {

  private static final Pattern PERCENTILES = Pattern.compile("Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");
  private static final Pattern PRODUCER = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

  /** End-to-end latency percentiles (ms) of 100-byte records produced with acks=all and consumed back. */
  public record EndToEnd(double p50Ms, double p99Ms, double p999Ms) {
    public JsonObject toJson() {
      return new JsonObject().put("p50Ms", p50Ms).put("p99Ms", p99Ms).put("p999Ms", p999Ms);
    }
  }

  private KafkaFloor() {}

  public static EndToEnd endToEnd(String bootstrap, int messages) throws Exception {
    KafkaTopics.ensure(bootstrap, Map.of("bench-e2e", 1), 30_000);
    String output = run(List.of("org.apache.kafka.tools.EndToEndLatency", bootstrap, "bench-e2e", Integer.toString(messages), "all", "100"));
    Matcher matcher = PERCENTILES.matcher(output);
    if (!matcher.find()) {
      throw new IllegalStateException("EndToEndLatency printed no percentiles: " + output);
    }
    return new EndToEnd(Double.parseDouble(matcher.group(1)), Double.parseDouble(matcher.group(2)), Double.parseDouble(matcher.group(3)));
  }

  /** Records per second of one producer at full speed (100-byte records, acks=all). */
  public static double producerRecordsPerSecond(String bootstrap, int records) throws Exception {
    KafkaTopics.ensure(bootstrap, Map.of("bench-perf", 6), 30_000);
    String output = run(List.of("org.apache.kafka.tools.ProducerPerformance", "--topic", "bench-perf",
        "--num-records", Integer.toString(records), "--record-size", "100", "--throughput", "-1",
        "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all"));
    Matcher matcher = PRODUCER.matcher(output);
    String last = null;
    while (matcher.find()) {
      last = matcher.group(2);
    }
    if (last == null) {
      throw new IllegalStateException("ProducerPerformance printed no summary: " + output);
    }
    return Double.parseDouble(last);
  }

  private static String run(List<String> toolAndArgs) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(SystemUnderTest.javaBinary(), "-Xmx256m",
        "-Dlogback.configurationFile=none", "-cp", SystemUnderTest.ownJar()));
    command.addAll(toolAndArgs);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("Kafka tool did not finish in 5 minutes: " + toolAndArgs.get(0));
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
