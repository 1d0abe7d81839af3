package dev.taskmesh.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps environment variables to configuration keys. Only the variables listed here are read, so an
 * unrelated variable of the host can never change the configuration by accident.
 */
public final class EnvironmentMapping {

  private static final Map<String, String> KEY_BY_VARIABLE = new LinkedHashMap<>();

  static {
    KEY_BY_VARIABLE.put("ROLES", "roles");
    KEY_BY_VARIABLE.put("DATA_DIR", "dataDir");
    KEY_BY_VARIABLE.put("HTTP_HOST", "http.host");
    KEY_BY_VARIABLE.put("HTTP_PORT", "http.port");
    KEY_BY_VARIABLE.put("API_INSTANCES", "http.instances");
    KEY_BY_VARIABLE.put("WORKER_INSTANCES", "worker.instances");
    KEY_BY_VARIABLE.put("WORKER_CONCURRENCY", "worker.concurrency");
    KEY_BY_VARIABLE.put("WORKER_CPU_THREADS", "worker.cpuThreads");
    KEY_BY_VARIABLE.put("UPDATER_INSTANCES", "updater.instances");
    KEY_BY_VARIABLE.put("KAFKA_BOOTSTRAP_SERVERS", "kafka.bootstrapServers");
    KEY_BY_VARIABLE.put("KAFKA_EMBEDDED_HOST", "kafka.embeddedHost");
    KEY_BY_VARIABLE.put("KAFKA_EMBEDDED_PORT", "kafka.embeddedPort");
    KEY_BY_VARIABLE.put("KAFKA_PARTITIONS", "kafka.partitions");
    KEY_BY_VARIABLE.put("KAFKA_CONNECT_TIMEOUT_MS", "kafka.connectTimeoutMs");
    KEY_BY_VARIABLE.put("KAFKA_PUBLISH_BACKLOG_RECORDS", "kafka.publishBacklogRecords");
    KEY_BY_VARIABLE.put("MONGO_URI", "mongo.uri");
    KEY_BY_VARIABLE.put("MONGO_DATABASE", "mongo.database");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_HOST", "mongo.embeddedHost");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_PORT", "mongo.embeddedPort");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_BACKEND", "mongo.embeddedBackend");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_CACHE_MB", "mongo.embeddedCacheMb");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_COMMIT_DELAY_MS", "mongo.embeddedCommitDelayMs");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_IN_PROCESS", "mongo.embeddedInProcess");
    KEY_BY_VARIABLE.put("MONGO_EMBEDDED_HEAP_CEILING_PERCENT", "mongo.embeddedHeapCeilingPercent");
    KEY_BY_VARIABLE.put("MONGO_CONNECT_TIMEOUT_MS", "mongo.connectTimeoutMs");
    KEY_BY_VARIABLE.put("MONGO_SOCKET_TIMEOUT_MS", "mongo.socketTimeoutMs");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_URL", "elasticsearch.url");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_USERNAME", "elasticsearch.username");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_PASSWORD", "elasticsearch.password");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_API_KEY", "elasticsearch.apiKey");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_INDEX_PREFIX", "elasticsearch.indexPrefix");
    KEY_BY_VARIABLE.put("LOG_SHIPPING_QUEUE_CAPACITY", "elasticsearch.queueCapacity");
    KEY_BY_VARIABLE.put("LOG_SHIPPING_BATCH_SIZE", "elasticsearch.batchSize");
    KEY_BY_VARIABLE.put("LOG_SHIPPING_FLUSH_INTERVAL_MS", "elasticsearch.flushIntervalMs");
    KEY_BY_VARIABLE.put("LOG_SHIPPING_SHUTDOWN_TIMEOUT_MS", "elasticsearch.shutdownTimeoutMs");
    KEY_BY_VARIABLE.put("ELASTICSEARCH_REQUIRED_FOR_READINESS", "elasticsearch.requiredForReadiness");
    KEY_BY_VARIABLE.put("ADMIN_EMAIL", "auth.adminEmail");
    KEY_BY_VARIABLE.put("ADMIN_NAME", "auth.adminName");
    KEY_BY_VARIABLE.put("ADMIN_PASSWORD", "auth.adminPassword");
    KEY_BY_VARIABLE.put("JWT_SECRET", "auth.jwtSecret");
    KEY_BY_VARIABLE.put("JWT_ALGORITHM", "auth.jwtAlgorithm");
    KEY_BY_VARIABLE.put("JWT_PRIVATE_KEY", "auth.jwtPrivateKey");
    KEY_BY_VARIABLE.put("JWT_PUBLIC_KEY", "auth.jwtPublicKey");
    KEY_BY_VARIABLE.put("JWT_ISSUER", "auth.jwtIssuer");
    KEY_BY_VARIABLE.put("JWT_AUDIENCE", "auth.jwtAudience");
    KEY_BY_VARIABLE.put("TOKEN_TTL_MINUTES", "auth.tokenTtlMinutes");
    KEY_BY_VARIABLE.put("LOGIN_ATTEMPTS_PER_MINUTE", "auth.loginAttemptsPerMinute");
    KEY_BY_VARIABLE.put("LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE", "auth.loginAttemptsPerAddressPerMinute");
    KEY_BY_VARIABLE.put("REVOCATION_SYNC_MS", "auth.revocationSyncMs");
    KEY_BY_VARIABLE.put("OIDC_ISSUER", "auth.oidc.issuer");
    KEY_BY_VARIABLE.put("OIDC_JWKS_URL", "auth.oidc.jwksUrl");
    KEY_BY_VARIABLE.put("OIDC_AUDIENCE", "auth.oidc.audience");
    KEY_BY_VARIABLE.put("OIDC_ROLE_CLAIM", "auth.oidc.roleClaim");
    KEY_BY_VARIABLE.put("OIDC_ROLE_MAPPING", "auth.oidc.roleMapping");
    KEY_BY_VARIABLE.put("OIDC_DEFAULT_ROLE", "auth.oidc.defaultRole");
    KEY_BY_VARIABLE.put("BODY_LIMIT_BYTES", "api.bodyLimitBytes");
    KEY_BY_VARIABLE.put("RATE_LIMIT_PER_MINUTE", "api.rateLimitPerMinute");
    KEY_BY_VARIABLE.put("LAUNCH_HEAP_CEILING_PERCENT", "api.launchHeapCeilingPercent");
    KEY_BY_VARIABLE.put("CORS_ORIGINS", "api.corsOrigins");
    KEY_BY_VARIABLE.put("MAX_ATTEMPTS", "pipeline.maxAttempts");
    KEY_BY_VARIABLE.put("OUTBOX_SWEEP_MS", "pipeline.outboxSweepMs");
    KEY_BY_VARIABLE.put("RETRY_BASE_MS", "pipeline.retryBaseMs");
    KEY_BY_VARIABLE.put("RETRY_MAX_MS", "pipeline.retryMaxMs");
    KEY_BY_VARIABLE.put("STUCK_AFTER_MS", "pipeline.stuckAfterMs");
    KEY_BY_VARIABLE.put("STUCK_SWEEP_MS", "pipeline.stuckSweepMs");
    KEY_BY_VARIABLE.put("MAX_RECOVERIES", "pipeline.maxRecoveries");
    KEY_BY_VARIABLE.put("SHUTDOWN_GRACE_MS", "pipeline.shutdownGraceMs");
    KEY_BY_VARIABLE.put("RUNNING_EVENT_DELAY_MS", "pipeline.runningEventDelayMs");
    KEY_BY_VARIABLE.put("RUN_RETENTION_SECONDS", "pipeline.runRetentionSeconds");
    KEY_BY_VARIABLE.put("RETENTION_SWEEP_MS", "pipeline.retentionSweepMs");
    KEY_BY_VARIABLE.put("UPDATER_BATCH_SIZE", "updater.batchSize");
    KEY_BY_VARIABLE.put("UPDATER_BATCH_DELAY_MS", "updater.batchDelayMs");
    KEY_BY_VARIABLE.put("SEARCH_PRICE_BASE_URL", "tasks.searchPrice.baseUrl");
    KEY_BY_VARIABLE.put("SEARCH_PRICE_TIMEOUT_MS", "tasks.searchPrice.timeoutMs");
    KEY_BY_VARIABLE.put("SEARCH_PRICE_RETRIES", "tasks.searchPrice.retries");
    KEY_BY_VARIABLE.put("SEARCH_PRICE_BREAKER_MAX_FAILURES", "tasks.searchPrice.breakerMaxFailures");
    KEY_BY_VARIABLE.put("SEARCH_PRICE_BREAKER_RESET_MS", "tasks.searchPrice.breakerResetMs");
    KEY_BY_VARIABLE.put("METRICS_PORT", "metrics.port");
    KEY_BY_VARIABLE.put("KAFKA_LAG_INTERVAL_MS", "metrics.kafkaLagIntervalMs");
    KEY_BY_VARIABLE.put("CLUSTER_ENABLED", "cluster.enabled");
    KEY_BY_VARIABLE.put("CLUSTER_DISCOVERY", "cluster.discovery");
    KEY_BY_VARIABLE.put("CLUSTER_HOST", "cluster.host");
    KEY_BY_VARIABLE.put("CLUSTER_PORT", "cluster.port");
    KEY_BY_VARIABLE.put("CLUSTER_MEMBERS", "cluster.members");
    KEY_BY_VARIABLE.put("CLUSTER_KUBERNETES_SERVICE_DNS", "cluster.kubernetesServiceDns");
    KEY_BY_VARIABLE.put("CLUSTER_MIN_MEMBERS", "cluster.minMembers");
    KEY_BY_VARIABLE.put("CLUSTER_JOIN_TIMEOUT_MS", "cluster.joinTimeoutMs");
  }

  private EnvironmentMapping() {}

  /** The documented variables, in a stable order (docs/configuration.md follows it). */
  public static Map<String, String> keyByVariable() {
    return Map.copyOf(KEY_BY_VARIABLE);
  }

  public static Optional<String> variableFor(String key) {
    return KEY_BY_VARIABLE.entrySet().stream()
        .filter(e -> e.getValue().equals(key))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  /** Turns the known variables of {@code environment} into a nested JSON layer for vertx-config. */
  public static JsonObject toConfigLayer(Map<String, String> environment) {
    JsonObject layer = new JsonObject();
    KEY_BY_VARIABLE.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value != null) {
        put(layer, key, isList(key) ? splitList(value) : value);
      }
    });
    return layer;
  }

  /** Keys whose environment value is a comma-separated list. */
  public static boolean isList(String key) {
    return key.equals("roles") || key.equals("cluster.members");
  }

  static JsonArray splitList(String value) {
    JsonArray items = new JsonArray();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return items;
  }

  static void put(JsonObject root, String dottedKey, Object value) {
    String[] parts = dottedKey.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }
}
