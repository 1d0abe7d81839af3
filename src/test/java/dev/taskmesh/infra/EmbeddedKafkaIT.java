package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class EmbeddedKafkaIT {

  private static final String HOST = "127.0.0.1";
  private static final ListAppender<ILoggingEvent> ERRORS = new ListAppender<>();

  /**
   * Kafka 3.7 logs "Expected partition ... to exist, but it was missing. Creating..." at ERROR on
   * state.change.logger whenever partitions are added to an existing topic; harmless (apache/kafka#14579).
   */
  private static final String KNOWN_PARTITION_GROWTH_ERROR = "to exist, but it was missing. Creating...";

  /**
   * In combined mode the node's controller registration can reach the controller before it is
   * ready to take it; Kafka 3.7 logs the refusal at ERROR and the registration manager retries (seen
   * once in CI, 2026-11-29, on a start whose every other check passed).
   */
  private static boolean knownRegistrationRace(String message) {
    return message.startsWith("[ControllerApis nodeId=") && message.contains("apiKey=CONTROLLER_REGISTRATION");
  }

  /** Records every ERROR event (Kafka's own loggers are at WARN in logback.xml); a normal run and stop log none. */
  @BeforeAll
  static void recordErrors() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ERRORS.setContext(context);
    ERRORS.addFilter(new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        return event.getLevel().isGreaterOrEqual(Level.ERROR)
            && !message.endsWith(KNOWN_PARTITION_GROWTH_ERROR) && !knownRegistrationRace(message) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    });
    ERRORS.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(ERRORS);
  }

  @AfterAll
  static void noErrorsLogged() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(ERRORS);
    assertThat(ERRORS.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  @Test
  void keepsTopicsMessagesAndCommittedOffsetsAcrossRestart(@TempDir Path dataDir) throws Exception {
    report("before start: %s", memory());
    long begin = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, HOST, 0);
    long firstReady = millisSince(begin);
    report("first start ready in %d ms on %s; %s", firstReady, kafka.bootstrapServers(), memory());
    List<String> sent = new ArrayList<>();
    try {
      kafka.ensureTopics(Map.of("t1", 6));
      kafka.ensureTopics(Map.of("t1", 6)); // existing topic: left alone
      try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
        for (int i = 0; i < 10; i++) {
          sent.add("value-" + i);
          producer.send(new ProducerRecord<>("t1", "key-" + i, "value-" + i)).get(10, TimeUnit.SECONDS);
        }
      }
      assertThat(consume(kafka.bootstrapServers(), "t1", "g1", 10)).containsExactlyInAnyOrderElementsOf(sent);
      report("after traffic: %s", memory());
    } finally {
      begin = System.nanoTime();
      kafka.close();
      report("first close in %d ms", millisSince(begin));
    }
    kafka.close(); // idempotent

    begin = System.nanoTime();
    try (EmbeddedKafka again = EmbeddedKafka.start(dataDir, HOST, 0)) {
      report("restart ready in %d ms on %s; %s", millisSince(begin), again.bootstrapServers(), memory());
      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, HOST, 0)) // the directory is taken
          .isInstanceOf(EmbeddedInfraException.class)
          .hasMessageContaining(dataDir.toString());
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, again.bootstrapServers()))) {
        assertThat(partitions(admin, "t1")).isEqualTo(6);
        Map<?, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets("g1").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum()).isEqualTo(10);
        assertThat(consume(again.bootstrapServers(), "t1", "fresh", 10)).containsExactlyInAnyOrderElementsOf(sent);

        again.ensureTopics(Map.of("t1", 8, "t2", 3)); // grows t1, creates t2
        assertThat(partitions(admin, "t1")).isEqualTo(8);
        assertThat(partitions(admin, "t2")).isEqualTo(3);

        try (KafkaProducer<String, String> transactional = producer(again.bootstrapServers(), "tx-1")) {
          transactional.initTransactions();
          transactional.beginTransaction();
          transactional.send(new ProducerRecord<>("t2", "k", "in-a-transaction"));
          transactional.commitTransaction();
        }
        assertThat(consume(again.bootstrapServers(), "t2", "tx-reader", 1)).containsExactly("in-a-transaction");
      }
      begin = System.nanoTime();
    }
    report("second close in %d ms", millisSince(begin));
  }

  @Test
  void explicitPortInUseIsReportedWithThePort(@TempDir Path dataDir) throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, HOST, port))
          .isInstanceOf(EmbeddedInfraException.class)
          .hasMessageContaining(String.valueOf(port));
    }
  }

  @Test
  void unusableDataDirIsReportedWithThePath(@TempDir Path tmp) throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
    assertThatThrownBy(() -> EmbeddedKafka.start(notADirectory, HOST, 0))
        .isInstanceOf(EmbeddedInfraException.class)
        .hasMessageContaining(notADirectory.toString());
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return producer(bootstrap, null);
  }

  private static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
    if (transactionalId != null) {
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  /** Reads (read_committed) until {@code expected} records arrived or 30 s passed, then commits synchronously. */
  private static List<String> consume(String bootstrap, String topic, String group, int expected) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.GROUP_ID_CONFIG, group,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      consumer.commitSync(Duration.ofSeconds(10));
    }
    return values;
  }

  private static int partitions(Admin admin, String topic) throws Exception {
    TopicDescription description =
        admin.describeTopics(Set.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    return description.partitions().size();
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static String memory() throws IOException {
    Runtime runtime = Runtime.getRuntime();
    long heapMb = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
    Path status = Path.of("/proc/self/status");
    String rss = !Files.isReadable(status) ? "RSS n/a" : Files.readAllLines(status).stream()
        .filter(line -> line.startsWith("VmRSS")).findFirst().orElse("VmRSS: n/a").replaceAll("\\s+", " ");
    return "heap used " + heapMb + " MB, " + rss;
  }

  private static void report(String format, Object... args) {
    System.out.println("[EmbeddedKafkaIT] " + String.format(format, args));
  }
}
