package dev.taskmesh.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The whole configuration of one process, parsed and validated once at start by {@link ConfigParser}. */
public record AppConfig(
    Set<Role> roles,
    Path dataDir,
    Http http,
    Worker worker,
    Updater updater,
    Kafka kafka,
    Mongo mongo,
    Elasticsearch elasticsearch,
    Auth auth,
    Pipeline pipeline,
    Tasks tasks,
    Metrics metrics,
    Api api,
    Cluster cluster) {

  /** The same configuration with the broker and store addresses resolved (embedded ones once started). */
  public AppConfig withEndpoints(String kafkaBootstrapServers, String mongoUri) {
    return new AppConfig(roles, dataDir, http, worker, updater, kafka.withBootstrapServers(kafkaBootstrapServers), mongo.withUri(mongoUri),
        elasticsearch, auth, pipeline, tasks, metrics, api, cluster);
  }

  public boolean runs(Role role) {
    return roles.contains(role);
  }

  public record Http(String host, int port, int instances) {}

  /** {@code cpuThreads}: threads of each instance's own executor for CPU-bound handlers. */
  public record Worker(int instances, int concurrency, int cpuThreads) {}

  /** {@code batchSize} events at most per store round trip; a batch waits at most {@code batchDelayMs} to fill. */
  public record Updater(int instances, int batchSize, long batchDelayMs) {}

  public record Kafka(
      Optional<String> bootstrapServers,
      String embeddedHost,
      int embeddedPort,
      int partitions,
      long connectTimeoutMs,
      int publishBacklogRecords,
      Topics topics) {

    Kafka withBootstrapServers(String servers) {
      return new Kafka(Optional.of(servers), embeddedHost, embeddedPort, partitions, connectTimeoutMs, publishBacklogRecords, topics);
    }
  }

  public record Topics(String pendingTasks, String taskEvents, String taskCompleted, String deadLetters) {
    public List<String> all() {
      return List.of(pendingTasks, taskEvents, taskCompleted, deadLetters);
    }

    public Map<String, Integer> withPartitions(int partitions) {
      return Map.of(pendingTasks, partitions, taskEvents, partitions, taskCompleted, partitions, deadLetters, partitions);
    }
  }

  public enum StoreBackend { H2, MEMORY }

  public record Mongo(
      Optional<String> uri,
      String database,
      String embeddedHost,
      int embeddedPort,
      StoreBackend embeddedBackend,
      int embeddedCacheMb,
      int embeddedCommitDelayMs,
      int embeddedHeapCeilingPercent,
      boolean embeddedInProcess,
      long connectTimeoutMs,
      long socketTimeoutMs) {

    Mongo withUri(String connectionString) {
      return new Mongo(Optional.of(connectionString), database, embeddedHost, embeddedPort, embeddedBackend, embeddedCacheMb,
          embeddedCommitDelayMs, embeddedHeapCeilingPercent, embeddedInProcess, connectTimeoutMs, socketTimeoutMs);
    }
  }

  /** Log shipping: off without a url. The queue bound, batch size and timings are documented in docs/observability.md. */
  public record Elasticsearch(
      Optional<URI> url,
      Optional<String> username,
      Optional<String> password,
      Optional<String> apiKey,
      String indexPrefix,
      int queueCapacity,
      int batchSize,
      long flushIntervalMs,
      long shutdownTimeoutMs,
      boolean requiredForReadiness) {}

  /** {@code port}: a separate server for /metrics and /health (for processes without the api role); empty: none. */
  public record Metrics(Optional<Integer> port, long kafkaLagIntervalMs) {}

  /** How this member finds the others of a clustered event bus. */
  public enum Discovery { TCP, KUBERNETES }

  /**
   * The clustered event bus (Hazelcast). {@code host} empty: Hazelcast picks an interface.
   * {@code minMembers} 0: decided from the member list (see {@code infra.Clustering}).
   */
  public record Cluster(
      boolean enabled,
      Discovery discovery,
      Optional<String> host,
      int port,
      List<String> members,
      Optional<String> kubernetesServiceDns,
      int minMembers,
      long joinTimeoutMs) {}

  public record Auth(
      String adminEmail,
      String adminName,
      Optional<String> adminPassword,
      Optional<String> jwtSecret,
      JwtAlgorithm jwtAlgorithm,
      Optional<String> jwtPrivateKey,
      Optional<String> jwtPublicKey,
      String jwtIssuer,
      String jwtAudience,
      int tokenTtlMinutes,
      int clockSkewSeconds,
      int loginAttemptsPerMinute,
      int loginAttemptsPerAddressPerMinute,
      int revocationSyncMs,
      Oidc oidc) {

    public Auth withJwtSecret(String secret) {
      return new Auth(adminEmail, adminName, adminPassword, Optional.of(secret), jwtAlgorithm, jwtPrivateKey, jwtPublicKey,
          jwtIssuer, jwtAudience, tokenTtlMinutes, clockSkewSeconds, loginAttemptsPerMinute, loginAttemptsPerAddressPerMinute,
          revocationSyncMs, oidc);
    }
  }

  /** One algorithm family per process: HMAC with a shared secret, or an RSA / EC key pair. */
  public enum JwtAlgorithm { HS256, RS256, ES256 }

  /** An external OpenID Connect issuer whose tokens are accepted beside local ones; off when {@code issuer} is empty. */
  public record Oidc(
      Optional<String> issuer,
      Optional<URI> jwksUrl,
      String audience,
      String roleClaim,
      Map<String, String> roleMapping,
      String defaultRole,
      int jwksRefreshSeconds) {

    public boolean enabled() {
      return issuer.isPresent();
    }
  }

  /** The REST gateway's limits and switches. */
  public record Api(long bodyLimitBytes, int rateLimitPerMinute, List<String> corsOrigins, int maxStreamsPerCaller, int launchHeapCeilingPercent) {}

  public record Pipeline(
      int maxAttempts,
      long outboxSweepMs,
      long retryBaseMs,
      long retryMaxMs,
      long stuckAfterMs,
      long stuckSweepMs,
      int maxRecoveries,
      long shutdownGraceMs,
      long runningEventDelayMs,
      long runRetentionSeconds,
      long retentionSweepMs) {

    /** The retention period of finished runs, or empty when they are kept forever. */
    public Optional<java.time.Duration> runRetention() {
      return runRetentionSeconds == 0 ? Optional.empty() : Optional.of(java.time.Duration.ofSeconds(runRetentionSeconds));
    }
  }

  public record Tasks(SearchPrice searchPrice) {}

  /** The CheapShark-compatible price API the {@code search-price} type queries. */
  public record SearchPrice(URI baseUrl, long timeoutMs, int retries, int breakerMaxFailures, long breakerResetMs) {}
}
