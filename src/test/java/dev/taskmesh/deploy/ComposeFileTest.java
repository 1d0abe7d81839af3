package dev.taskmesh.deploy;

import static dev.taskmesh.deploy.DeployFiles.HEALTH_PATHS;
import static dev.taskmesh.deploy.DeployFiles.NON_CONFIG_VARIABLES;
import static dev.taskmesh.deploy.DeployFiles.ROOT;
import static dev.taskmesh.deploy.DeployFiles.list;
import static dev.taskmesh.deploy.DeployFiles.map;
import static dev.taskmesh.deploy.DeployFiles.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.EnvironmentMapping;
import dev.taskmesh.config.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, .env, the image and the balancer, checked statically (no Docker engine needed). */
class ComposeFileTest {

  private static final Set<String> PROFILES = Set.of("core", "observability", "kafka-cluster");
  private static final Map<String, Role> APP_SERVICES = Map.of("api", Role.API, "worker", Role.WORKER, "updater", Role.UPDATER);
  private static final Set<String> ALWAYS_NEEDED = Set.of("ROLES", "KAFKA_BOOTSTRAP_SERVERS", "MONGO_URI", "HTTP_PORT",
      "CLUSTER_ENABLED", "CLUSTER_MEMBERS", "CLUSTER_HOST", "KAFKA_PARTITIONS");
  private static final Map<String, Set<String>> NEEDED_BY_ROLE = Map.of(
      "api", Set.of("ADMIN_EMAIL", "ADMIN_PASSWORD", "JWT_SECRET", "API_INSTANCES"),
      "worker", Set.of("WORKER_INSTANCES", "WORKER_CONCURRENCY", "METRICS_PORT"),
      "updater", Set.of("UPDATER_INSTANCES", "METRICS_PORT"));
  /** Produced by the observability work; checked once their directory exists. */
  private static final List<String> OBSERVABILITY_DIRS = List.of("docker/prometheus", "docker/grafana", "docker/kibana");
  private static final Pattern HEALTH_URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/\\S*)");

  private static Map<String, Object> compose;
  private static Map<String, Object> services;
  private static Map<String, String> env;
  private static Map<String, String> clusterEnv;
  private static String composeText;

  @BeforeAll
  static void load() throws Exception {
    composeText = Files.readString(ROOT.resolve("docker-compose.yml"));
    compose = DeployFiles.loadYaml(ROOT.resolve("docker-compose.yml"));
    services = map(compose, "services");
    env = DeployFiles.dotenv(ROOT.resolve(".env"));
    clusterEnv = DeployFiles.dotenv(ROOT.resolve(".env"), ROOT.resolve("docker/kafka-cluster.env"));
  }

  private static Set<String> profilesOf(String service) {
    return list(services.get(service), "profiles").stream().map(String::valueOf).collect(Collectors.toSet());
  }

  private static Set<String> active(Set<String> profiles) {
    return services.keySet().stream().filter(s -> profilesOf(s).stream().anyMatch(profiles::contains))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<String, String> environment(String service, Map<String, String> variables) {
    Map<String, String> resolved = new LinkedHashMap<>();
    Set<String> missing = new HashSet<>();
    map(services.get(service), "environment").forEach((key, raw) ->
        resolved.put(key, DeployFiles.interpolate(String.valueOf(raw), variables, missing)));
    assertThat(missing).as("variables used by %s but not set in .env", service).isEmpty();
    return resolved;
  }

  @Test
  void theThreeProfilesExistAndEveryServiceBelongsToOne() {
    Set<String> used = new TreeSet<>();
    services.keySet().forEach(service -> {
      assertThat(profilesOf(service)).as("profiles of %s", service).isNotEmpty().isSubsetOf(PROFILES);
      used.addAll(profilesOf(service));
    });
    assertThat(used).isEqualTo(new TreeSet<>(PROFILES));
    assertThat(env.get("COMPOSE_PROFILES")).isEqualTo("core");
    assertThat(clusterEnv.get("COMPOSE_PROFILES")).isEqualTo("core,kafka-cluster");
    assertThat(active(Set.of("core"))).contains("kafka", "mongo", "api", "worker", "updater", "lb")
        .doesNotContain("kafka-2", "elasticsearch");
    assertThat(active(Set.of("kafka-cluster"))).containsExactlyInAnyOrder("kafka-2", "kafka-3");
    assertThat(active(Set.of("observability")))
        .contains("elasticsearch", "kibana", "kibana-import", "prometheus", "grafana");
  }

  @Test
  void everyDependencyIsStartedByTheSameProfilesAndGatedOnHealthOrCompletion() {
    for (Set<String> profiles : List.of(Set.of("core"), Set.of("core", "observability"), Set.of("core", "kafka-cluster"),
        Set.of("observability"), Set.of("core", "observability", "kafka-cluster"))) {
      Set<String> running = active(profiles);
      for (String service : running) {
        map(services.get(service), "depends_on").forEach((target, spec) -> {
          assertThat(running).as("%s depends on %s, which profiles %s do not start", service, target, profiles).contains(target);
          String condition = String.valueOf(value(spec, "condition"));
          assertThat(condition).as("%s -> %s", service, target).isIn("service_healthy", "service_completed_successfully");
          if (condition.equals("service_healthy")) {
            assertThat(value(services.get(target), "healthcheck")).as("%s is waited for as healthy but has no health check", target).isNotNull();
          } else {
            assertThat(value(services.get(target), "restart")).as("one-shot %s", target).isIn("on-failure", "no");
          }
        });
      }
    }
    // the application starts only after the broker answers, the topics exist and the replica set has a primary
    for (String app : APP_SERVICES.keySet()) {
      assertThat(map(services.get(app), "depends_on")).containsKeys("kafka", "kafka-init", "mongo-init");
    }
  }

  @Test
  void longRunningServicesHaveAHealthCheckRestartPolicyAndLimits() {
    for (String service : services.keySet()) {
      Object restart = value(services.get(service), "restart");
      assertThat(restart).as("restart policy of %s", service).isNotNull();
      if ("unless-stopped".equals(restart)) {
        assertThat(value(services.get(service), "healthcheck", "test")).as("health check of %s", service).isNotNull();
        assertThat(map(services.get(service), "deploy", "resources", "limits")).as("limits of %s", service)
            .containsKeys("cpus", "memory");
      }
    }
  }

  @Test
  void applicationServicesGetEveryVariableTheyNeedAndOnlyVariablesTheAppReads() {
    Set<String> known = new HashSet<>(EnvironmentMapping.keyByVariable().keySet());
    known.addAll(NON_CONFIG_VARIABLES);
    APP_SERVICES.forEach((service, role) -> {
      for (Map<String, String> variables : List.of(env, clusterEnv)) {
        Map<String, String> resolved = environment(service, variables);
        assertThat(known).as("variables of %s the application does not read", service).containsAll(resolved.keySet());
        assertThat(resolved).as("variables %s needs", service).containsKeys(ALWAYS_NEEDED.toArray(String[]::new))
            .containsKeys(NEEDED_BY_ROLE.get(service).toArray(String[]::new));
        AppConfig config = DeployFiles.appConfig(resolved); // rejects any invalid value, naming the key
        assertThat(config.roles()).containsExactly(role);
        assertThat(config.kafka().bootstrapServers()).isPresent();
        assertThat(config.mongo().uri()).isPresent();
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.cluster().host()).as("Hazelcast must bind the container's interface").isEmpty();
        assertThat(config.cluster().members()).allSatisfy(m -> assertThat(services).containsKey(m));
        int served = role == Role.API ? config.http().port() : config.metrics().port().orElseThrow();
        if (role == Role.API) { // a second server on the API's port would fail the start
          assertThat(config.metrics().port()).isEmpty();
        }
        assertThat(healthPort(service)).as("health check port of %s", service).isEqualTo(served);
      }
    });
  }

  @Test
  void healthChecksTargetRealEndpoints() {
    for (String app : APP_SERVICES.keySet()) {
      Matcher url = HEALTH_URL.matcher(healthTest(app));
      assertThat(url.find()).as("health check of %s", app).isTrue();
      assertThat(url.group(2)).isIn(HEALTH_PATHS);
    }
    String haproxy = read("docker/haproxy/haproxy.cfg");
    String monitorUri = match(haproxy, "monitor-uri (\\S+)");
    assertThat(healthTest("lb")).contains("http://127.0.0.1:8080" + monitorUri);
    assertThat(match(haproxy, "option httpchk GET (\\S+)")).isIn(HEALTH_PATHS);
    assertThat(match(read("docker/haproxy/haproxy-local.cfg"), "option httpchk GET (\\S+)")).isIn(HEALTH_PATHS);
    assertThat(match(read("docker/Dockerfile"), "/health/\\w+")).isIn(HEALTH_PATHS);
  }

  @Test
  void theBalancerSendsTrafficToTheApiServiceOnItsPort() {
    String haproxy = read("docker/haproxy/haproxy.cfg");
    Matcher server = Pattern.compile("server-template \\S+ \\S+ (\\S+):(\\d+)").matcher(haproxy);
    assertThat(server.find()).isTrue();
    assertThat(server.group(1)).isEqualTo("api");
    assertThat(Integer.parseInt(server.group(2))).isEqualTo(DeployFiles.appConfig(environment("api", env)).http().port());
    assertThat(match(haproxy, "bind :(\\d+)")).isEqualTo("8080");
    assertThat(list(services.get("lb"), "ports")).containsExactly("${HTTP_PUBLISHED_PORT}:8080");
    for (String config : List.of(haproxy, read("docker/haproxy/haproxy-local.cfg"))) {
      assertThat(config).contains("retry-on conn-failure", "option http-server-close", "del-header Upgrade if { req.hdr(Upgrade) -i h2c }");
    }
  }

  @Test
  void everyVariableTheFileUsesIsDefinedInDotEnv() {
    assertThat(env.keySet()).containsAll(DeployFiles.referencedVariables(composeText));
    assertThat(read(".env")).contains("DEVELOPMENT PLACEHOLDERS ONLY");
  }

  @Test
  void workerConsumersFitThePartitions() {
    for (Map<String, String> variables : List.of(env, clusterEnv)) {
      int consumers = Integer.parseInt(variables.get("WORKER_REPLICAS")) * Integer.parseInt(variables.get("WORKER_INSTANCES"));
      assertThat(consumers).isLessThanOrEqualTo(Integer.parseInt(variables.get("KAFKA_PARTITIONS")));
    }
  }

  @Test
  void theKafkaClusterProfileIsAThreeVoterQuorumWithReplicationThreeAndMinIsrTwo() {
    assertThat(clusterEnv.get("KAFKA_REPLICATION_FACTOR")).isEqualTo("3");
    assertThat(clusterEnv.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("2");
    Map<String, String> voters = new HashMap<>();
    for (String voter : clusterEnv.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")) {
      String[] idAndAddress = voter.split("@");
      voters.put(idAndAddress[0], idAndAddress[1].split(":")[0]);
    }
    assertThat(voters).hasSize(3);
    List<String> bootstrap = new ArrayList<>();
    for (String broker : List.of("kafka", "kafka-2", "kafka-3")) {
      Map<String, String> resolved = environment(broker, clusterEnv);
      assertThat(voters.get(resolved.get("KAFKA_NODE_ID"))).as("voter of node %s", broker).isEqualTo(broker);
      assertThat(resolved.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + broker + ":9092");
      assertThat(resolved.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("2");
      assertThat(resolved.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo("3");
      bootstrap.add(broker + ":9092");
    }
    assertThat(clusterEnv.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(String.join(",", bootstrap));
    // single broker by default: replication 1 would otherwise block every consumer group
    assertThat(environment("kafka", env).get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo("1");
    assertThat(environment("kafka-init", clusterEnv)).containsEntry("KAFKA_REPLICATION_FACTOR", "3");
  }

  @Test
  void mountedFilesExistAndNamedVolumesAreDeclared() {
    Set<String> declared = map(compose, "volumes").keySet();
    List<String> pending = new ArrayList<>();
    services.forEach((service, spec) -> list(spec, "volumes").forEach(raw -> {
      String source = String.valueOf(raw).split(":")[0];
      if (source.startsWith("./")) {
        String relative = source.substring(2);
        boolean observability = OBSERVABILITY_DIRS.stream().anyMatch(relative::startsWith);
        if (observability && !Files.isDirectory(ROOT.resolve(relative.split("/")[0] + "/" + relative.split("/")[1]))) {
          pending.add(relative);
          return;
        }
        assertThat(ROOT.resolve(relative)).as("mounted by %s", service).exists();
      } else {
        assertThat(declared).as("named volume of %s", service).contains(source);
      }
    }));
    if (!pending.isEmpty()) {
      System.out.println("Observability files not on this branch yet (checked once they are): " + pending);
    }
  }

  @Test
  void theImageIsMultiStageNonRootAndHealthChecked() {
    String dockerfile = read("docker/Dockerfile");
    assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
    assertThat(dockerfile).containsPattern("(?m)^FROM \\S+ AS build$").containsPattern("(?m)^FROM \\S*jre\\S*$");
    assertThat(match(dockerfile, "(?m)^USER (\\S+)")).doesNotStartWith("0").isNotEqualTo("root");
    assertThat(dockerfile).contains("HEALTHCHECK", "MaxRAMPercentage", "exec java");
    assertThat(read(".dockerignore")).contains("target");
  }

  @Test
  void everyServiceIsDocumentedWithItsProfileAndTheDocsNameNoOtherService() {
    Map<String, String> documented = new LinkedHashMap<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| `([a-z-]+)` \\|").matcher(read("docs/operations.md"));
    while (row.find()) {
      documented.put(row.group(1), row.group(2));
    }
    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(services.keySet());
    documented.forEach((service, profile) -> assertThat(profilesOf(service)).as("profile of %s", service).contains(profile));
    Matcher scale = Pattern.compile("--scale ([a-z0-9-]+)=").matcher(read("docs/operations.md") + read("README.md") + composeText);
    while (scale.find()) {
      assertThat(services).containsKey(scale.group(1));
    }
  }

  private static int healthPort(String service) {
    Matcher url = HEALTH_URL.matcher(healthTest(service));
    assertThat(url.find()).isTrue();
    return Integer.parseInt(url.group(1));
  }

  private static String healthTest(String service) {
    return String.join(" ", list(services.get(service), "healthcheck", "test").stream().map(String::valueOf).toList());
  }

  static String read(String relative) {
    try {
      return Files.readString(ROOT.resolve(relative));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String match(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("%s in text", regex).isTrue();
    return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
  }
}
