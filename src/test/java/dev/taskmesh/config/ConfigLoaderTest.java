package dev.taskmesh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static Vertx vertx;

  @TempDir Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private AppConfig load(Optional<Path> file, Map<String, String> env, Properties sys) {
    return ConfigLoader.load(vertx, file, env, sys).await();
  }

  private AppConfig load(Map<String, String> env) {
    return load(Optional.empty(), env, new Properties());
  }

  @Test
  void defaultsRunEveryRoleOnTheEmbeddedInfrastructure() {
    AppConfig config = load(Map.of());
    assertThat(config.roles()).containsExactlyInAnyOrder(Role.API, Role.WORKER, Role.UPDATER);
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.kafka().bootstrapServers()).isEmpty();
    assertThat(config.mongo().uri()).isEmpty();
    assertThat(config.kafka().partitions()).isEqualTo(6);
    assertThat(config.auth().adminPassword()).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("data"));
  }

  @Test
  void environmentVariablesOverrideDefaults() {
    AppConfig config = load(Map.of(
        "HTTP_PORT", "9091", "ROLES", "worker, updater", "WORKER_INSTANCES", "3", "API_INSTANCES", "4",
        "UPDATER_INSTANCES", "2", "DATA_DIR", "/var/lib/tm", "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
        "MONGO_URI", "mongodb://db:27017/x", "ELASTICSEARCH_URL", "http://es:9200", "ADMIN_EMAIL", "root@example.org"));
    assertThat(config.http().port()).isEqualTo(9091);
    assertThat(config.roles()).isEqualTo(Set.of(Role.WORKER, Role.UPDATER));
    assertThat(config.worker().instances()).isEqualTo(3);
    assertThat(config.http().instances()).isEqualTo(4);
    assertThat(config.updater().instances()).isEqualTo(2);
    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/tm"));
    assertThat(config.kafka().bootstrapServers()).contains("k1:9092,k2:9092");
    assertThat(config.mongo().uri()).contains("mongodb://db:27017/x");
    assertThat(config.elasticsearch().url()).map(Object::toString).contains("http://es:9200");
    assertThat(config.auth().adminEmail()).isEqualTo("root@example.org");
  }

  @Test
  void precedenceIsDefaultsThenFileThenEnvironmentThenSystemProperties() throws Exception {
    Path file = dir.resolve("custom.yaml");
    Files.writeString(file, "http:\n  port: 7001\n  instances: 3\nworker:\n  instances: 5\n");
    Properties sys = new Properties();
    sys.setProperty("http.port", "7003");
    AppConfig config = load(Optional.of(file), Map.of("HTTP_PORT", "7002", "WORKER_INSTANCES", "6"), sys);
    assertThat(config.http().port()).isEqualTo(7003);
    assertThat(config.worker().instances()).isEqualTo(6);
    assertThat(config.http().instances()).isEqualTo(3);
    assertThat(config.updater().instances()).isEqualTo(1);
  }

  @Test
  void finishedRunsAreKeptSevenDaysUnlessTheRetentionSaysOtherwise() {
    assertThat(load(Map.of()).pipeline().runRetention()).contains(java.time.Duration.ofDays(7));
    assertThat(load(Map.of("RUN_RETENTION_SECONDS", "0")).pipeline().runRetention()).as("0 keeps every run").isEmpty();
    assertThat(load(Map.of("RUN_RETENTION_SECONDS", "3600", "RETENTION_SWEEP_MS", "5000")).pipeline())
        .extracting(p -> p.runRetention().orElseThrow(), AppConfig.Pipeline::retentionSweepMs)
        .containsExactly(java.time.Duration.ofHours(1), 5_000L);
    assertThatThrownBy(() -> load(Map.of("RUN_RETENTION_SECONDS", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.runRetentionSeconds (RUN_RETENTION_SECONDS) = '-1'");
  }

  @Test
  void allIsEveryProcessingRole() {
    assertThat(load(Map.of("ROLES", "all")).roles()).containsExactlyInAnyOrder(Role.API, Role.WORKER, Role.UPDATER);
    assertThat(load(Map.of("ROLES", "infra")).roles()).containsExactly(Role.INFRA);
  }

  @Test
  void unknownRoleNamesTheKeyAndTheValue() {
    assertThatThrownBy(() -> load(Map.of("ROLES", "api,wroker")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("roles (ROLES)")
        .hasMessageContaining("'wroker'")
        .hasMessageContaining("unknown role");
  }

  @Test
  void negativeInstanceCountIsRejected() {
    assertThatThrownBy(() -> load(Map.of("WORKER_INSTANCES", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("worker.instances (WORKER_INSTANCES) = '-1'");
  }

  @Test
  void nonNumericPortIsRejected() {
    assertThatThrownBy(() -> load(Map.of("HTTP_PORT", "80a")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port (HTTP_PORT) = '80a'")
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> load(Map.of("HTTP_PORT", "70000"))).hasMessageContaining("between 0 and 65535");
  }

  @Test
  void malformedAddressesAndUrisAreRejected() {
    assertThatThrownBy(() -> load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost")))
        .hasMessageContaining("kafka.bootstrapServers (KAFKA_BOOTSTRAP_SERVERS) = 'localhost'")
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "a:9092,b:0"))).hasMessageContaining("host:port");
    assertThatThrownBy(() -> load(Map.of("MONGO_URI", "postgres://db")))
        .hasMessageContaining("mongo.uri (MONGO_URI) = 'postgres://db'");
    assertThatThrownBy(() -> load(Map.of("ELASTICSEARCH_URL", "es:9200")))
        .hasMessageContaining("elasticsearch.url (ELASTICSEARCH_URL) = 'es:9200'");
  }

  @Test
  void theEmbeddedStoresPageCacheIsAQuarterOfH2sDefaultUnlessConfiguredAndBounded() {
    assertThat(load(Map.of()).mongo().embeddedCacheMb()).isEqualTo(4);
    assertThat(load(Map.of("MONGO_EMBEDDED_CACHE_MB", "16")).mongo().embeddedCacheMb()).isEqualTo(16);
    assertThatThrownBy(() -> load(Map.of("MONGO_EMBEDDED_CACHE_MB", "4096")))
        .hasMessageContaining("mongo.embeddedCacheMb (MONGO_EMBEDDED_CACHE_MB) = '4096'")
        .hasMessageContaining("between 0 and 1024");
  }

  @Test
  void theEmbeddedStoreCommitsEveryFifthOfASecondUnlessConfiguredAndNeverTooRarelyOrTooOften() {
    assertThat(load(Map.of()).mongo().embeddedCommitDelayMs()).isEqualTo(200);
    assertThat(load(Map.of("MONGO_EMBEDDED_COMMIT_DELAY_MS", "1000")).mongo().embeddedCommitDelayMs()).isEqualTo(1_000);
    assertThatThrownBy(() -> load(Map.of("MONGO_EMBEDDED_COMMIT_DELAY_MS", "0")))
        .hasMessageContaining("mongo.embeddedCommitDelayMs (MONGO_EMBEDDED_COMMIT_DELAY_MS) = '0'")
        .hasMessageContaining("between 10 and 10000");
  }

  @Test
  void theEmbeddedStoreRefusesNewRunsAtNinetyPercentOfItsHeapUnlessConfiguredAndZeroIsOff() {
    assertThat(load(Map.of()).mongo().embeddedHeapCeilingPercent()).isEqualTo(90);
    assertThat(load(Map.of("MONGO_EMBEDDED_HEAP_CEILING_PERCENT", "0")).mongo().embeddedHeapCeilingPercent()).isZero();
    assertThatThrownBy(() -> load(Map.of("MONGO_EMBEDDED_HEAP_CEILING_PERCENT", "120")))
        .hasMessageContaining("mongo.embeddedHeapCeilingPercent (MONGO_EMBEDDED_HEAP_CEILING_PERCENT) = '120'")
        .hasMessageContaining("between 0 and 100");
  }

  @Test
  void storeRequestsWaitForTheirAnswerFifteenSecondsUnlessConfiguredAndZeroMeansForever() {
    assertThat(load(Map.of()).mongo().socketTimeoutMs()).isEqualTo(15_000);
    assertThat(load(Map.of("MONGO_SOCKET_TIMEOUT_MS", "0")).mongo().socketTimeoutMs()).isZero();
    assertThatThrownBy(() -> load(Map.of("MONGO_SOCKET_TIMEOUT_MS", "-1")))
        .hasMessageContaining("mongo.socketTimeoutMs (MONGO_SOCKET_TIMEOUT_MS) = '-1'")
        .hasMessageContaining("between 0 and 600000");
  }

  @Test
  void choicesAcceptAnyCaseAndNameTheAlternatives() {
    assertThat(load(Map.of("MONGO_EMBEDDED_BACKEND", "Memory")).mongo().embeddedBackend()).isEqualTo(AppConfig.StoreBackend.MEMORY);
    assertThatThrownBy(() -> load(Map.of("MONGO_EMBEDDED_BACKEND", "rocksdb")))
        .hasMessageContaining("mongo.embeddedBackend (MONGO_EMBEDDED_BACKEND) = 'rocksdb'")
        .hasMessageContaining("expected h2 or memory");
    assertThatThrownBy(() -> load(Map.of("JWT_ALGORITHM", "none")))
        .hasMessageContaining("auth.jwtAlgorithm (JWT_ALGORITHM) = 'none'")
        .hasMessageContaining("expected HS256, RS256 or ES256");
  }

  @Test
  void weakSecretsAreRejectedWithoutEchoingThem() {
    assertThatThrownBy(() -> load(Map.of("JWT_SECRET", "short-secret")))
        .hasMessageContaining("auth.jwtSecret (JWT_SECRET)")
        .hasMessageContaining("256 bits")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> load(Map.of("ADMIN_PASSWORD", "abc")))
        .hasMessageContaining("auth.adminPassword (ADMIN_PASSWORD)")
        .hasMessageNotContaining("abc'");
  }

  @Test
  void unknownKeyInAFileIsRejected() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "htpp:\n  port: 7001\n");
    assertThatThrownBy(() -> load(Optional.of(file), Map.of(), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("htpp")
        .hasMessageContaining("unknown key");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> load(Optional.of(missing), Map.of(), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    assertThat(load(Map.of("PATH", "/usr/bin", "HOME", "/root")).http().port()).isEqualTo(8080);
  }

  @Test
  void logShippingAndMetricsSettingsAreReadAndValidated() {
    AppConfig config = load(Map.of("ELASTICSEARCH_URL", "https://es:9200", "ELASTICSEARCH_API_KEY", "a2V5OnNlY3JldA==",
        "ELASTICSEARCH_INDEX_PREFIX", "tm-logs", "LOG_SHIPPING_QUEUE_CAPACITY", "123", "LOG_SHIPPING_BATCH_SIZE", "45",
        "LOG_SHIPPING_FLUSH_INTERVAL_MS", "250", "LOG_SHIPPING_SHUTDOWN_TIMEOUT_MS", "1500",
        "ELASTICSEARCH_REQUIRED_FOR_READINESS", "true", "METRICS_PORT", "9464", "KAFKA_LAG_INTERVAL_MS", "2000"));
    AppConfig.Elasticsearch es = config.elasticsearch();
    assertThat(es.apiKey()).contains("a2V5OnNlY3JldA==");
    assertThat(es.indexPrefix()).isEqualTo("tm-logs");
    assertThat(es.queueCapacity()).isEqualTo(123);
    assertThat(es.batchSize()).isEqualTo(45);
    assertThat(es.flushIntervalMs()).isEqualTo(250);
    assertThat(es.shutdownTimeoutMs()).isEqualTo(1500);
    assertThat(es.requiredForReadiness()).isTrue();
    assertThat(config.metrics().port()).contains(9464);
    assertThat(config.metrics().kafkaLagIntervalMs()).isEqualTo(2000);

    AppConfig defaults = load(Map.of());
    assertThat(defaults.elasticsearch().queueCapacity()).isEqualTo(10_000);
    assertThat(defaults.elasticsearch().requiredForReadiness()).isFalse();
    assertThat(defaults.metrics().port()).isEmpty();

    assertThatThrownBy(() -> load(Map.of("ELASTICSEARCH_INDEX_PREFIX", "Upper")))
        .hasMessageContaining("elasticsearch.indexPrefix (ELASTICSEARCH_INDEX_PREFIX) = 'Upper'");
    assertThatThrownBy(() -> load(Map.of("ELASTICSEARCH_USERNAME", "u", "ELASTICSEARCH_API_KEY", "k")))
        .hasMessageContaining("elasticsearch.apiKey").hasMessageNotContaining("'k'");
    assertThatThrownBy(() -> load(Map.of("LOG_SHIPPING_QUEUE_CAPACITY", "0")))
        .hasMessageContaining("elasticsearch.queueCapacity");
    assertThatThrownBy(() -> load(Map.of("ELASTICSEARCH_REQUIRED_FOR_READINESS", "maybe")))
        .hasMessageContaining("expected true or false");
  }
}
