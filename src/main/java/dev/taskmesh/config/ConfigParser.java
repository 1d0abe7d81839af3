package dev.taskmesh.config;

import com.mongodb.ConnectionString;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the merged configuration JSON into an {@link AppConfig}, or throws a {@link ConfigException}
 * naming the first bad key. Keys that nothing reads are rejected too, so a typo never goes unnoticed.
 */
public final class ConfigParser {

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:(\\d{1,5})");
  private static final int MIN_SECRET_BYTES = 32;
  private static final Pattern CLUSTER_MEMBER = Pattern.compile("[A-Za-z0-9._\\-]+(:\\d{1,5})?");
  private static final java.util.List<String> LOCAL_ROLES = java.util.List.of("admin", "registered", "invited");

  private final JsonObject json;
  private final Set<String> readKeys = new HashSet<>();

  private ConfigParser(JsonObject json) {
    this.json = json;
  }

  public static AppConfig parse(JsonObject json) {
    ConfigParser parser = new ConfigParser(json);
    AppConfig config = parser.build();
    parser.rejectUnknownKeys(json, "");
    return config;
  }

  private AppConfig build() {
    Set<Role> roles = roles();
    AppConfig.Kafka kafka = new AppConfig.Kafka(
        optionalText("kafka.bootstrapServers").map(v -> bootstrapServers("kafka.bootstrapServers", v)),
        text("kafka.embeddedHost"),
        port("kafka.embeddedPort"),
        integer("kafka.partitions", 1, 1000),
        integer("kafka.connectTimeoutMs", 100, 600_000),
        new AppConfig.Topics(
            topic("kafka.topics.pendingTasks"),
            topic("kafka.topics.taskEvents"),
            topic("kafka.topics.taskCompleted"),
            topic("kafka.topics.deadLetters")));
    AppConfig.Mongo mongo = new AppConfig.Mongo(
        optionalText("mongo.uri").map(v -> mongoUri("mongo.uri", v)),
        text("mongo.database"),
        text("mongo.embeddedHost"),
        port("mongo.embeddedPort"),
        backend("mongo.embeddedBackend"),
        integer("mongo.connectTimeoutMs", 100, 600_000));
    return new AppConfig(
        roles,
        Path.of(text("dataDir")),
        new AppConfig.Http(text("http.host"), port("http.port"), integer("http.instances", 1, 64)),
        new AppConfig.Worker(integer("worker.instances", 1, 64), integer("worker.concurrency", 1, 10_000), integer("worker.cpuThreads", 1, 64)),
        new AppConfig.Updater(integer("updater.instances", 1, 64), integer("updater.batchSize", 1, 10_000),
            integer("updater.batchDelayMs", 0, 10_000)),
        kafka,
        mongo,
        elasticsearch(),
        auth(),
        pipeline(),
        new AppConfig.Tasks(new AppConfig.SearchPrice(
            httpUrl("tasks.searchPrice.baseUrl", text("tasks.searchPrice.baseUrl")),
            integer("tasks.searchPrice.timeoutMs", 10, 600_000),
            integer("tasks.searchPrice.retries", 0, 10),
            integer("tasks.searchPrice.breakerMaxFailures", 1, 10_000),
            integer("tasks.searchPrice.breakerResetMs", 100, 3_600_000))),
        new AppConfig.Metrics(optionalText("metrics.port").map(v -> port("metrics.port")), integer("metrics.kafkaLagIntervalMs", 100, 3_600_000)),
        new AppConfig.Api(
            integer("api.bodyLimitBytes", 1024, 16 * 1024 * 1024),
            integer("api.rateLimitPerMinute", 0, 10_000_000),
            list("api.corsOrigins"),
            integer("api.maxStreamsPerCaller", 1, 1000)),
        cluster());
  }

  private AppConfig.Cluster cluster() {
    boolean enabled = bool("cluster.enabled");
    String discoveryText = text("cluster.discovery");
    AppConfig.Discovery discovery;
    try {
      discovery = AppConfig.Discovery.valueOf(discoveryText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster.discovery", discoveryText, "expected tcp or kubernetes");
    }
    Object rawMembers = value("cluster.members");
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
    Optional<String> serviceDns = optionalText("cluster.kubernetesServiceDns");
    if (enabled && discovery == AppConfig.Discovery.TCP && members.isEmpty()) {
      throw new ConfigException("cluster.members", "", "at least one member address is needed for tcp discovery");
    }
    if (enabled && discovery == AppConfig.Discovery.KUBERNETES && serviceDns.isEmpty()) {
      throw new ConfigException("cluster.kubernetesServiceDns", "", "the headless service's DNS name is needed for kubernetes discovery");
    }
    return new AppConfig.Cluster(enabled, discovery, optionalText("cluster.host"), integer("cluster.port", 1, 65_535),
        java.util.List.copyOf(members), serviceDns, integer("cluster.minMembers", 0, 1000),
        integer("cluster.joinTimeoutMs", 1_000, 600_000));
  }

  private AppConfig.Pipeline pipeline() {
    int retryBase = integer("pipeline.retryBaseMs", 1, 3_600_000);
    int retryMax = integer("pipeline.retryMaxMs", 1, 3_600_000);
    if (retryMax < retryBase) {
      throw new ConfigException("pipeline.retryMaxMs", retryMax, "must not be below pipeline.retryBaseMs (" + retryBase + ")");
    }
    return new AppConfig.Pipeline(
        integer("pipeline.maxAttempts", 1, 100),
        integer("pipeline.outboxSweepMs", 10, 3_600_000),
        retryBase,
        retryMax,
        integer("pipeline.stuckAfterMs", 1_000, 86_400_000),
        integer("pipeline.stuckSweepMs", 100, 3_600_000),
        integer("pipeline.maxRecoveries", 0, 100),
        integer("pipeline.shutdownGraceMs", 0, 60_000),
        integer("pipeline.runningEventDelayMs", 0, 60_000));
  }

  private Set<Role> roles() {
    Object raw = value("roles");
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
    String prefix = text("elasticsearch.indexPrefix");
    if (!prefix.matches("[a-z0-9][a-z0-9._\\-]{0,100}")) {
      throw new ConfigException("elasticsearch.indexPrefix", prefix, "an index name prefix: lower-case letters, digits, '.', '_', '-'");
    }
    Optional<String> username = optionalText("elasticsearch.username");
    Optional<String> password = optionalText("elasticsearch.password");
    Optional<String> apiKey = optionalText("elasticsearch.apiKey");
    if (apiKey.isPresent() && username.isPresent()) {
      throw new ConfigException("elasticsearch.apiKey", "***", "set either an API key or a username and password, not both");
    }
    if (password.isPresent() && username.isEmpty()) {
      throw new ConfigException("elasticsearch.username", "", "a password is set, so a username is required");
    }
    int queueCapacity = integer("elasticsearch.queueCapacity", 1, 10_000_000);
    int batchSize = integer("elasticsearch.batchSize", 1, 100_000);
    return new AppConfig.Elasticsearch(
        optionalText("elasticsearch.url").map(v -> httpUrl("elasticsearch.url", v)),
        username, password, apiKey, prefix, queueCapacity, batchSize,
        integer("elasticsearch.flushIntervalMs", 10, 600_000),
        integer("elasticsearch.shutdownTimeoutMs", 0, 600_000),
        bool("elasticsearch.requiredForReadiness"));
  }

  private boolean bool(String key) {
    Object raw = value(key);
    if (raw instanceof Boolean b) {
      return b;
    }
    String text = String.valueOf(raw).trim().toLowerCase(Locale.ROOT);
    return switch (text) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new ConfigException(key, raw, "expected true or false");
    };
  }

  private AppConfig.Auth auth() {
    String email = text("auth.adminEmail");
    if (!email.matches("[^@\\s]+@[^@\\s]+")) {
      throw new ConfigException("auth.adminEmail", email, "not an email address");
    }
    Optional<String> password = optionalText("auth.adminPassword");
    password.filter(p -> p.length() < 8).ifPresent(p -> {
      throw new ConfigException("auth.adminPassword", "***", "must be at least 8 characters");
    });
    Optional<String> secret = optionalText("auth.jwtSecret");
    secret.filter(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES).ifPresent(s -> {
      throw new ConfigException("auth.jwtSecret", "***", "must be at least " + MIN_SECRET_BYTES + " bytes (256 bits)");
    });
    AppConfig.JwtAlgorithm algorithm = jwtAlgorithm("auth.jwtAlgorithm");
    Optional<String> privateKey = optionalText("auth.jwtPrivateKey");
    Optional<String> publicKey = optionalText("auth.jwtPublicKey");
    if (algorithm != AppConfig.JwtAlgorithm.HS256 && publicKey.isEmpty()) {
      throw new ConfigException("auth.jwtPublicKey", "", algorithm + " needs a public key (PEM text or file)");
    }
    return new AppConfig.Auth(email, text("auth.adminName"), password, secret, algorithm, privateKey, publicKey,
        text("auth.jwtIssuer"), text("auth.jwtAudience"), integer("auth.tokenTtlMinutes", 1, 7 * 24 * 60),
        integer("auth.clockSkewSeconds", 0, 300), integer("auth.loginAttemptsPerMinute", 1, 10_000),
        integer("auth.loginAttemptsPerAddressPerMinute", 1, 100_000), oidc());
  }

  private AppConfig.Oidc oidc() {
    Optional<String> issuer = optionalText("auth.oidc.issuer");
    Optional<URI> jwks = optionalText("auth.oidc.jwksUrl").map(v -> httpUrl("auth.oidc.jwksUrl", v));
    if (issuer.isPresent() && jwks.isEmpty()) {
      jwks = Optional.of(httpUrl("auth.oidc.issuer", issuer.get().replaceAll("/+$", "") + "/.well-known/jwks.json"));
    }
    java.util.Map<String, String> mapping = new java.util.LinkedHashMap<>();
    for (String pair : list("auth.oidc.roleMapping")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank() || !LOCAL_ROLES.contains(kv[1].trim())) {
        throw new ConfigException("auth.oidc.roleMapping", pair, "expected external=local pairs, local one of " + LOCAL_ROLES);
      }
      mapping.put(kv[0].trim(), kv[1].trim());
    }
    String defaultRole = text("auth.oidc.defaultRole");
    if (!LOCAL_ROLES.contains(defaultRole)) {
      throw new ConfigException("auth.oidc.defaultRole", defaultRole, "expected one of " + LOCAL_ROLES);
    }
    return new AppConfig.Oidc(issuer, jwks, optionalText("auth.oidc.audience").orElse(""), text("auth.oidc.roleClaim"),
        java.util.Map.copyOf(mapping), defaultRole, integer("auth.oidc.jwksRefreshSeconds", 10, 86_400));
  }

  private AppConfig.JwtAlgorithm jwtAlgorithm(String key) {
    String raw = text(key);
    try {
      return AppConfig.JwtAlgorithm.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, raw, "expected HS256, RS256 or ES256");
    }
  }

  private java.util.List<String> list(String key) {
    Object raw = value(key);
    java.util.List<String> items = new java.util.ArrayList<>();
    if (raw instanceof JsonArray array) {
      array.forEach(item -> items.add(String.valueOf(item).trim()));
    } else if (raw != null) {
      EnvironmentMapping.splitList(String.valueOf(raw)).forEach(item -> items.add(String.valueOf(item)));
    }
    items.removeIf(String::isBlank);
    return java.util.List.copyOf(items);
  }

  private Object value(String dottedKey) {
    readKeys.add(dottedKey);
    Object node = json;
    for (String part : dottedKey.split("\\.")) {
      if (!(node instanceof JsonObject object)) {
        return null;
      }
      node = object.getValue(part);
    }
    return node;
  }

  private String text(String key) {
    Object raw = value(key);
    if (raw == null || raw instanceof JsonObject || raw instanceof JsonArray || String.valueOf(raw).isBlank()) {
      throw new ConfigException(key, raw, "a non-empty value is required");
    }
    return String.valueOf(raw).trim();
  }

  private Optional<String> optionalText(String key) {
    Object raw = value(key);
    return raw == null || String.valueOf(raw).isBlank() ? Optional.empty() : Optional.of(String.valueOf(raw).trim());
  }

  private int integer(String key, int min, int max) {
    Object raw = value(key);
    long parsed;
    try {
      parsed = raw instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(raw).trim());
      if (raw instanceof Number number && number.doubleValue() != parsed) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(key, raw, "expected a whole number");
    }
    if (parsed < min || parsed > max) {
      throw new ConfigException(key, raw, "must be between " + min + " and " + max);
    }
    return (int) parsed;
  }

  private int port(String key) {
    return integer(key, 0, 65_535);
  }

  private String topic(String key) {
    String name = text(key);
    if (!name.matches("[A-Za-z0-9._\\-]{1,249}")) {
      throw new ConfigException(key, name, "not a valid Kafka topic name (letters, digits, '.', '_', '-')");
    }
    return name;
  }

  private AppConfig.StoreBackend backend(String key) {
    String raw = text(key);
    try {
      return AppConfig.StoreBackend.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, raw, "expected h2 or memory");
    }
  }

  static String bootstrapServers(String key, String value) {
    for (String address : value.split(",")) {
      var matcher = HOST_PORT.matcher(address.trim());
      if (!matcher.matches() || Integer.parseInt(matcher.group(1)) == 0 || Integer.parseInt(matcher.group(1)) > 65_535) {
        throw new ConfigException(key, value, "expected host:port[,host:port...]");
      }
    }
    return value;
  }

  static String mongoUri(String key, String value) {
    try {
      new ConnectionString(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, value, "not a MongoDB connection string (mongodb://host:port/...)");
    }
  }

  static URI httpUrl(String key, String value) {
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new URISyntaxException(value, "not http(s)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(key, value, "expected an http:// or https:// URL with a host");
    }
  }

  private void rejectUnknownKeys(JsonObject node, String prefix) {
    for (String name : node.fieldNames()) {
      String key = prefix + name;
      Object child = node.getValue(name);
      if (readKeys.contains(key)) {
        continue;
      }
      if (child instanceof JsonObject object && readKeys.stream().anyMatch(k -> k.startsWith(key + "."))) {
        rejectUnknownKeys(object, key + ".");
      } else {
        throw new ConfigException(key, child, "unknown key; see docs/configuration.md");
      }
    }
  }
}
