package dev.taskmesh.infra;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker, KRaft combined mode (broker and controller in one node),
 * running inside this JVM so the default run needs neither Docker nor a Kafka install; production
 * points the application at an external cluster instead.
 *
 * <p>The broker is from the 3.x line on purpose: vertx-kafka-client 5.0.7 is built on kafka-clients
 * 3.7.1, and the broker jar ({@code kafka_2.13}) shares that kafka-clients jar on the classpath; a 4.x
 * broker fails with 3.7.1 clients classes. Storage lives in {@code dataDir/kafka}, formatted on first
 * use exactly as {@code kafka-storage.sh format} does (random cluster id, kept across restarts).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final FileChannel dataDirLock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, FileChannel dataDirLock) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDirLock = dataDirLock;
  }

  /** Starts (formatting the storage on first use) and waits until the broker accepts requests. */
  public static EmbeddedKafka start(Path dataDir, String host, int port) throws EmbeddedInfraException {
    long begin = System.nanoTime();
    Path logDir = prepareLogDir(dataDir);
    FileChannel lock = lock(logDir);
    EmbeddedKafka kafka;
    try {
      int brokerPort = bindable(host, port);
      Properties settings = settings(logDir, host, brokerPort, bindable(host, 0));
      KafkaConfig config = new KafkaConfig(settings, false);
      formatIfNeeded(dataDir, logDir, settings);
      BrokerHistograms.sampleUniformly();
      kafka = new EmbeddedKafka(new KafkaRaftServer(config, Time.SYSTEM), host + ":" + brokerPort, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(lock);
      throw e instanceof EmbeddedInfraException infra ? infra
          : new EmbeddedInfraException("Embedded Kafka cannot prepare " + logDir + " for " + host + ": " + oneLine(e), e);
    }
    try {
      runBounded("embedded-kafka-start", kafka.server::startup, READY_TIMEOUT); // blocks until the broker is unfenced
      KafkaTopics.awaitCluster(kafka.bootstrapServers, remainingMillis(begin + READY_TIMEOUT.toNanos()));
    } catch (Exception e) {
      kafka.close();
      throw failure("Embedded Kafka failed to start on " + kafka.bootstrapServers + " (data dir " + logDir + ")",
          e, READY_TIMEOUT);
    }
    LOG.info("Embedded Kafka ready on {} in {} ms (data dir {})",
        kafka.bootstrapServers, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin), logDir);
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates missing topics with the given partition counts (replication 1); existing ones are left alone,
   * except that a topic with fewer partitions than asked is grown. Returns once every partition has a leader.
   */
  public void ensureTopics(Map<String, Integer> partitionsByTopic) throws EmbeddedInfraException {
    KafkaTopics.ensure(bootstrapServers, partitionsByTopic, ADMIN_TIMEOUT.toMillis());
  }

  /** Stops the broker (controlled shutdown, then the controller) within a bounded time. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long begin = System.nanoTime();
    try {
      runBounded("embedded-kafka-stop", () -> {
        server.shutdown();
        server.awaitShutdown();
      }, CLOSE_TIMEOUT);
      closeQuietly(dataDirLock); // a broker that did not stop keeps its directory until the JVM exits
      LOG.info("Embedded Kafka stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    } catch (Exception e) { // a stop that hangs is left to the JVM exit rather than blocking the caller
      LOG.warn("{}", failure("Embedded Kafka did not stop cleanly", e, CLOSE_TIMEOUT).getMessage());
    }
  }




  private static Properties settings(Path logDir, String host, int brokerPort, int controllerPort) {
    Properties p = new Properties(); // string values only, as from a server.properties file
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(NODE_ID));
    p.setProperty("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "10");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "10");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Laptop footprint: the cleaner's default 128 MiB dedupe buffer dominates RSS; threads kept few.
    p.setProperty("log.cleaner.dedupe.buffer.size", "2097152"); // 2 MiB: 3.7 requires strictly more than 1 MiB
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("log.segment.bytes", "67108864"); // 64 MiB
    p.setProperty("log.index.size.max.bytes", "1048576"); // 1 MiB
    p.setProperty("broker.heartbeat.interval.ms", "500"); // a quicker controlled shutdown round trip
    return p;
  }

  /** Runs {@code kafka-storage.sh format} (StorageTool, 3.7) unless the directory already holds meta.properties. */
  private static void formatIfNeeded(Path dataDir, Path logDir, Properties settings) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return; // Kafka itself verifies cluster id and node id when it starts
    }
    Path configFile = Files.createTempFile(dataDir, "kafka-format", ".properties");
    try {
      try (Writer out = Files.newBufferedWriter(configFile)) {
        settings.store(out, "embedded Kafka storage format");
      }
      String clusterId = Uuid.randomUuid().toString();
      int status = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config", configFile.toString()});
      if (status != 0) {
        throw new IOException("kafka-storage format exited with status " + status);
      }
      LOG.info("Formatted embedded Kafka storage {} with cluster id {}", logDir, clusterId);
    } finally {
      Files.deleteIfExists(configFile);
    }
  }

  private static Path prepareLogDir(Path dataDir) {
    Path dir = dataDir.resolve("kafka").toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new EmbeddedInfraException("Embedded Kafka cannot create its directory " + dir + ": " + oneLine(e), e);
    }
    if (!Files.isWritable(dir)) {
      throw new EmbeddedInfraException("Embedded Kafka directory is not writable: " + dir);
    }
    return dir;
  }

  /** Kafka 3.7 (combined mode) locks the log dir only after its controller opened the metadata log: lock first. */
  private static FileChannel lock(Path logDir) {
    Path file = logDir.resolveSibling("kafka.lock");
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        if (channel.tryLock() != null) {
          return channel; // closing the channel releases the lock
        }
      } catch (OverlappingFileLockException e) { // held by another instance in this JVM
        LOG.debug("{} is locked in this JVM", file);
      }
      channel.close();
      throw new EmbeddedInfraException("Embedded Kafka data dir " + logDir + " is in use by another running instance");
    } catch (IOException e) {
      throw new EmbeddedInfraException("Embedded Kafka cannot lock " + file + ": " + oneLine(e), e);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing {} failed", channel, e);
    }
  }

  /** {@code port} if bindable, else a clear error; port 0 picks a free one (the voter address is needed up front). */
  private static int bindable(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return socket.getLocalPort();
    } catch (IOException | IllegalArgumentException e) {
      throw new EmbeddedInfraException("Embedded Kafka cannot listen on " + host + ":" + port
          + (port == 0 ? "" : " (port " + port + " in use?)") + ": " + oneLine(e), e);
    }
  }

  private static void runBounded(String threadName, Runnable task, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    FutureTask<Void> future = new FutureTask<>(task, null);
    Thread thread = new Thread(future, threadName);
    thread.setDaemon(true);
    thread.start();
    future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static long remainingMillis(long deadlineNanos) throws TimeoutException {
    long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    if (remaining <= 0) {
      throw new TimeoutException();
    }
    return remaining;
  }

  /** One line for the operator: what failed and the innermost useful reason. */
  private static EmbeddedInfraException failure(String what, Exception e, Duration timeout) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
    String reason = e instanceof TimeoutException ? "not done within " + timeout.toSeconds() + " s" : oneLine(cause);
    return new EmbeddedInfraException(what + ": " + reason, cause);
  }

  private static String oneLine(Throwable failure) {
    String message = failure.getMessage() == null ? "" : failure.getMessage().replaceAll("\\s*\\R\\s*", " ");
    return failure.getClass().getSimpleName() + ": " + message;
  }
}
