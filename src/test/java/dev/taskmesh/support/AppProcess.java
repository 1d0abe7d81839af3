package dev.taskmesh.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shaded jar started as a real process, as a user would: environment in, banner and exit code out. */
public final class AppProcess implements AutoCloseable {

  private static final Pattern KAFKA_LINE = Pattern.compile("(?m)^\\s+Kafka\\s+(\\S+)");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private AppProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static AppProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("taskmesh.jar", "target/taskmesh.jar");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Files.createDirectories(workDir);
    Path out = Files.createTempFile(workDir, "stdout", ".log");
    Path err = Files.createTempFile(workDir, "stderr", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("MONGO_") || k.equals("ROLES")
        || k.equals("HTTP_PORT") || k.equals("DATA_DIR") || k.startsWith("ADMIN_") || k.equals("JWT_SECRET"));
    builder.environment().putAll(env);
    return new AppProcess(builder.start(), out, err);
  }

  /** A port for a process to bind later: see {@link FreePorts} for why not {@code new ServerSocket(0)}. */
  public static int freePort() {
    return FreePorts.next();
  }

  /** Waits for the banner; fails with the process output if it exits or takes too long. */
  public void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (stdout().contains("taskmesh is ready")) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("Process exited with " + process.exitValue() + " before ready:\n" + stderr() + "\n" + tail(stdout()));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("Not ready within " + timeout + ":\n" + stderr() + "\n" + tail(stdout()));
  }

  /** SIGTERM, as an orchestrator sends it; returns the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("Did not exit within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError("Did not exit within " + timeout + ":\n" + safe(this::stderr));
    }
    return process.exitValue();
  }

  public String kafkaBootstrapServers() throws IOException {
    Matcher matcher = KAFKA_LINE.matcher(stdout());
    if (!matcher.find()) {
      throw new AssertionError("No Kafka line in banner");
    }
    return matcher.group(1);
  }

  public String stdout() throws IOException {
    return Files.readString(stdout);
  }

  public String stderr() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private static String tail(String text) {
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private interface IoSupplier {
    String get() throws IOException;
  }

  private static String safe(IoSupplier supplier) {
    try {
      return supplier.get();
    } catch (IOException e) {
      return "";
    }
  }
}
