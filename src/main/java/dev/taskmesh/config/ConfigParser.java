package dev.taskmesh.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the merged configuration JSON into an {@link AppConfig}, or throws a {@link ConfigException}
 * naming the first bad key. Keys that nothing reads are rejected too, so a typo never goes unnoticed.
 */
public final class ConfigParser {

  private static final int MIN_SECRET_BYTES = 32;
  private static final Pattern CLUSTER_MEMBER = Pattern.compile("[A-Za-z0-9._\\-]+(:\\d{1,5})?");
  private static final java.util.List<String> LOCAL_ROLES = java.util.List.of("admin", "registered", "invited");

  private final ConfigValues values;

  private ConfigParser(JsonObject json) {
    this.values = new ConfigValues(json);
  }

  public static AppConfig parse(JsonObject json) {
    ConfigParser parser = new ConfigParser(json);
    AppConfig config = parser.build();
    parser.values.rejectUnknownKeys();
    return config;
  }

  private AppConfig build() {
    Set<Role> roles = roles();
    AppConfig.Kafka kafka = new AppConfig.Kafka(
        values.optionalText("kafka.bootstrapServers").map(v -> ConfigValues.bootstrapServers("kafka.bootstrapServers", v)),
        values.text("kafka.embeddedHost"),
        values.port("kafka.embeddedPort"),
        values.integer("kafka.partitions", 1, 1000),
        values.integer("kafka.connectTimeoutMs", 100, 600_000),
        values.integer("kafka.publishBacklogRecords", 1, 1_000_000),
        new AppConfig.Topics(
            values.topic("kafka.topics.pendingTasks"),
            values.topic("kafka.topics.taskEvents"),
            values.topic("kafka.topics.taskCompleted"),
            values.topic("kafka.topics.deadLetters")));
    AppConfig.Mongo mongo = new AppConfig.Mongo(
        values.optionalText("mongo.uri").map(v -> ConfigValues.mongoUri("mongo.uri", v)),
        values.text("mongo.database"),
        values.text("mongo.embeddedHost"),
        values.port("mongo.embeddedPort"),
        values.enumValue("mongo.embeddedBackend", AppConfig.StoreBackend.class, "h2 or memory"),
        values.integer("mongo.embeddedCacheMb", 0, 1024),
        values.integer("mongo.embeddedCommitDelayMs", 10, 10_000),
        values.integer("mongo.embeddedHeapCeilingPercent", 0, 100),
        values.bool("mongo.embeddedInProcess"),
        values.integer("mongo.connectTimeoutMs", 100, 600_000),
        values.integer("mongo.socketTimeoutMs", 0, 600_000));
    return new AppConfig(
        roles,
        Path.of(values.text("dataDir")),
        new AppConfig.Http(values.text("http.host"), values.port("http.port"), values.integer("http.instances", 1, 64)),
        new AppConfig.Worker(values.integer("worker.instances", 1, 64), values.integer("worker.concurrency", 1, 10_000), values.integer("worker.cpuThreads", 1, 64)),
        new AppConfig.Updater(values.integer("updater.instances", 1, 64), values.integer("updater.batchSize", 1, 10_000),
            values.integer("updater.batchDelayMs", 0, 10_000)),
        kafka,
        mongo,
        elasticsearch(),
        auth(),
        pipeline(),
        new AppConfig.Tasks(new AppConfig.SearchPrice(
            ConfigValues.httpUrl("tasks.searchPrice.baseUrl", values.text("tasks.searchPrice.baseUrl")),
            values.integer("tasks.searchPrice.timeoutMs", 10, 600_000),
            values.integer("tasks.searchPrice.retries", 0, 10),
            values.integer("tasks.searchPrice.breakerMaxFailures", 1, 10_000),
            values.integer("tasks.searchPrice.breakerResetMs", 100, 3_600_000))),
        new AppConfig.Metrics(values.optionalText("metrics.port").map(v -> values.port("metrics.port")), values.integer("metrics.kafkaLagIntervalMs", 100, 3_600_000)),
        new AppConfig.Api(
            values.integer("api.bodyLimitBytes", 1024, 16 * 1024 * 1024),
            values.integer("api.rateLimitPerMinute", 0, 10_000_000),
            values.list("api.corsOrigins"),
            values.integer("api.maxStreamsPerCaller", 1, 1000),
            values.integer("api.launchHeapCeilingPercent", 0, 100)),
        cluster());
  }

  private AppConfig.Cluster cluster() {
    boolean enabled = values.bool("cluster.enabled");
    String discoveryText = values.text("cluster.discovery");
    AppConfig.Discovery discovery;
    try {
      discovery = AppConfig.Discovery.valueOf(discoveryText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.discovery", discoveryText, "expected tcp or kubernetes");
    }
    Object rawMembers = values.value("cluster.members");
    JsonArray items = rawMembers instanceof JsonArray array ? array
        : rawMembers instanceof String text ? EnvironmentMapping.splitList(text)
        : rawMembers == null ? new JsonArray()
        : null;
    if (items == null) {
      throw new ConfigException("cluster.members", rawMembers, "expected a list of host or host:port");
    }
    java.util.List<String> members = new java.util.ArrayList<>();
    for (Object item : items) {
      String member = String.valueOf(item).trim();
      if (!CLUSTER_MEMBER.matcher(member).matches()) {
        throw new ConfigException("cluster.members", member, "expected host or host:port");
      }
      members.add(member);
    }
    Optional<String> serviceDns = values.optionalText("cluster.kubernetesServiceDns");
    if (enabled && discovery == AppConfig.Discovery.TCP && members.isEmpty()) {
      throw new ConfigException("cluster.members", "", "at least one member address is needed for tcp discovery");
    }
    if (enabled && discovery == AppConfig.Discovery.KUBERNETES && serviceDns.isEmpty()) {
      throw new ConfigException("cluster.kubernetesServiceDns", "", "the headless service's DNS name is needed for kubernetes discovery");
    }
    return new AppConfig.Cluster(enabled, discovery, values.optionalText("cluster.host"), values.integer("cluster.port", 1, 65_535),
        java.util.List.copyOf(members), serviceDns, values.integer("cluster.minMembers", 0, 1000),
        values.integer("cluster.joinTimeoutMs", 1_000, 600_000));
  }

  private AppConfig.Pipeline pipeline() {
    int retryBase = values.integer("pipeline.retryBaseMs", 1, 3_600_000);
    int retryMax = values.integer("pipeline.retryMaxMs", 1, 3_600_000);
    if (retryMax < retryBase) {
      throw new ConfigException("pipeline.retryMaxMs", retryMax, "must not be below pipeline.retryBaseMs (" + retryBase + ")");
    }
    return new AppConfig.Pipeline(
        values.integer("pipeline.maxAttempts", 1, 100),
        values.integer("pipeline.outboxSweepMs", 10, 3_600_000),
        retryBase,
        retryMax,
        values.integer("pipeline.stuckAfterMs", 1_000, 86_400_000),
        values.integer("pipeline.stuckSweepMs", 100, 3_600_000),
        values.integer("pipeline.maxRecoveries", 0, 100),
        values.integer("pipeline.shutdownGraceMs", 0, 60_000),
        values.integer("pipeline.runningEventDelayMs", 0, 60_000),
        values.integer("pipeline.runRetentionSeconds", 0, 315_360_000),
        values.integer("pipeline.retentionSweepMs", 1_000, 86_400_000));
  }

  private Set<Role> roles() {
    Object raw = values.value("roles");
    JsonArray items = raw instanceof JsonArray array ? array
        : raw instanceof String text ? EnvironmentMapping.splitList(text)
        : null;
    if (items == null || items.isEmpty()) {
      throw new ConfigException("roles", raw, "expected a list of roles (" + Role.allLabels() + ", or all)");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object item : items) {
      String label = String.valueOf(item);
      if (label.trim().equalsIgnoreCase("all")) {
        roles.addAll(EnumSet.of(Role.API, Role.WORKER, Role.UPDATER));
        continue;
      }
      roles.add(Role.parse(label).orElseThrow(() ->
          new ConfigException("roles", label, "unknown role; expected one of " + Role.allLabels() + ", or all")));
    }
    return roles;
  }

  private AppConfig.Elasticsearch elasticsearch() {
    String prefix = values.text("elasticsearch.indexPrefix");
    if (!prefix.matches("[a-z0-9][a-z0-9._\\-]{0,100}")) {
      throw new ConfigException("elasticsearch.indexPrefix", prefix, "an index name prefix: lower-case letters, digits, '.', '_', '-'");
    }
    Optional<String> username = values.optionalText("elasticsearch.username");
    Optional<String> password = values.optionalText("elasticsearch.password");
    Optional<String> apiKey = values.optionalText("elasticsearch.apiKey");
    if (apiKey.isPresent() && username.isPresent()) {
      throw new ConfigException("elasticsearch.apiKey", "***", "set either an API key or a username and password, not both");
    }
    if (password.isPresent() && username.isEmpty()) {
      throw new ConfigException("elasticsearch.username", "", "a password is set, so a username is required");
    }
    int queueCapacity = values.integer("elasticsearch.queueCapacity", 1, 10_000_000);
    int batchSize = values.integer("elasticsearch.batchSize", 1, 100_000);
    return new AppConfig.Elasticsearch(
        values.optionalText("elasticsearch.url").map(v -> ConfigValues.httpUrl("elasticsearch.url", v)),
        username, password, apiKey, prefix, queueCapacity, batchSize,
        values.integer("elasticsearch.flushIntervalMs", 10, 600_000),
        values.integer("elasticsearch.shutdownTimeoutMs", 0, 600_000),
        values.bool("elasticsearch.requiredForReadiness"));
  }

  private AppConfig.Auth auth() {
    String email = values.text("auth.adminEmail");
    if (!email.matches("[^@\\s]+@[^@\\s]+")) {
      throw new ConfigException("auth.adminEmail", email, "not an email address");
    }
    Optional<String> password = values.optionalText("auth.adminPassword");
    password.filter(p -> p.length() < 8).ifPresent(p -> {
      throw new ConfigException("auth.adminPassword", "***", "must be at least 8 characters");
    });
    Optional<String> secret = values.optionalText("auth.jwtSecret");
    secret.filter(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES).ifPresent(s -> {
      throw new ConfigException("auth.jwtSecret", "***", "must be at least " + MIN_SECRET_BYTES + " bytes (256 bits)");
    });
    AppConfig.JwtAlgorithm algorithm = values.enumValue("auth.jwtAlgorithm", AppConfig.JwtAlgorithm.class, "HS256, RS256 or ES256");
    Optional<String> privateKey = values.optionalText("auth.jwtPrivateKey");
    Optional<String> publicKey = values.optionalText("auth.jwtPublicKey");
    if (algorithm != AppConfig.JwtAlgorithm.HS256 && publicKey.isEmpty()) {
      throw new ConfigException("auth.jwtPublicKey", "", algorithm + " needs a public key (PEM text or file)");
    }
    return new AppConfig.Auth(email, values.text("auth.adminName"), password, secret, algorithm, privateKey, publicKey,
        values.text("auth.jwtIssuer"), values.text("auth.jwtAudience"), values.integer("auth.tokenTtlMinutes", 1, 7 * 24 * 60),
        values.integer("auth.clockSkewSeconds", 0, 300), values.integer("auth.loginAttemptsPerMinute", 1, 10_000),
        values.integer("auth.loginAttemptsPerAddressPerMinute", 1, 100_000), values.integer("auth.revocationSyncMs", 100, 60_000), oidc());
  }

  private AppConfig.Oidc oidc() {
    Optional<String> issuer = values.optionalText("auth.oidc.issuer");
    Optional<URI> jwks = values.optionalText("auth.oidc.jwksUrl").map(v -> ConfigValues.httpUrl("auth.oidc.jwksUrl", v));
    if (issuer.isPresent() && jwks.isEmpty()) {
      jwks = Optional.of(ConfigValues.httpUrl("auth.oidc.issuer", issuer.get().replaceAll("/+$", "") + "/.well-known/jwks.json"));
    }
    java.util.Map<String, String> mapping = new java.util.LinkedHashMap<>();
    for (String pair : values.list("auth.oidc.roleMapping")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || !LOCAL_ROLES.contains(kv[1].trim())) {
        throw new ConfigException("auth.oidc.roleMapping", pair, "expected external=local pairs, local one of " + LOCAL_ROLES);
      }
      mapping.put(kv[0].trim(), kv[1].trim());
    }
    String defaultRole = values.text("auth.oidc.defaultRole");
    if (!LOCAL_ROLES.contains(defaultRole)) {
      throw new ConfigException("auth.oidc.defaultRole", defaultRole, "expected one of " + LOCAL_ROLES);
    }
    return new AppConfig.Oidc(issuer, jwks, values.optionalText("auth.oidc.audience").orElse(""), values.text("auth.oidc.roleClaim"),
        java.util.Map.copyOf(mapping), defaultRole, values.integer("auth.oidc.jwksRefreshSeconds", 10, 86_400));
  }

}
