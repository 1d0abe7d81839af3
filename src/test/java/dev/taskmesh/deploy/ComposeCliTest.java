package dev.taskmesh.deploy;

import static dev.taskmesh.deploy.DeployFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Docker's own Compose implementation (Debian's docker-compose package, which validates against the
 * Compose specification schema and needs no engine for {@code config}) reads the file with each
 * set of settings and resolves it. .ci/run installs the package and sets TASKMESH_REQUIRE_DEPLOY_TOOLS,
 * so the test cannot be skipped there; elsewhere it is skipped when the tool is missing.
 */
class ComposeCliTest {

  private static String composeBinary;

  @TempDir Path dir;

  @BeforeAll
  static void findTool() {
    composeBinary = Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
        .map(p -> Path.of(p, "docker-compose")).filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    if (composeBinary == null) {
      assertThat(System.getenv("TASKMESH_REQUIRE_DEPLOY_TOOLS")).as("docker-compose is required here but not on PATH").isNull();
      Assumptions.abort("docker-compose not installed (apt-get install --no-install-recommends docker-compose)");
    }
  }

  private Result compose(Path envFile, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(composeBinary, "--project-directory", ROOT.toString(),
        "-f", ROOT.resolve("docker-compose.yml").toString(), "--env-file", envFile.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // Only what the files say: no variables of the machine running the test.
    builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("docker-compose finished").isTrue();
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private record Result(int exit, String out, String err) {}

  private Path merged(String... files) throws IOException {
    Path env = dir.resolve("merged.env");
    StringBuilder text = new StringBuilder();
    for (String file : files) {
      text.append(Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8)).append('\n');
    }
    Files.writeString(env, text);
    return env;
  }

  @Test
  void theDefaultSettingsResolveToAValidFile() throws Exception {
    Result result = compose(ROOT.resolve(".env"), "config");
    assertThat(result.exit()).as(result.err()).isZero();
    assertThat(result.err()).doesNotContain("is not set");
    Map<String, Object> resolved = DeployFiles.loadYaml(writeTo("resolved.yml", result.out()));
    Map<String, Object> api = DeployFiles.map(resolved, "services", "api");
    assertThat(DeployFiles.map(api, "environment")).containsEntry("ROLES", "api").containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
    assertThat(DeployFiles.value(api, "deploy", "replicas")).isEqualTo(2);
  }

  @Test
  void theKafkaClusterSettingsResolveToThreeBrokers() throws Exception {
    Result result = compose(merged(".env", "docker/kafka-cluster.env"), "config");
    assertThat(result.exit()).as(result.err()).isZero();
    Map<String, Object> resolved = DeployFiles.loadYaml(writeTo("resolved.yml", result.out()));
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      assertThat(DeployFiles.map(resolved, "services", broker, "environment"))
          .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093")
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");
    }
    assertThat(DeployFiles.map(resolved, "services", "worker", "environment"))
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092,kafka-2:9092,kafka-3:9092");
  }

  @Test
  void aMissingSettingIsReported() throws Exception {
    Path env = dir.resolve("partial.env");
    Files.writeString(env, Files.readString(ROOT.resolve(".env")).replaceAll("(?m)^MONGO_URI=.*$", ""));
    Result result = compose(env, "config");
    assertThat(result.err()).contains("MONGO_URI").contains("not set");
  }

  private Path writeTo(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
