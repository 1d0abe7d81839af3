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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker/k8s/: every document parses and has what the API server and the application need. */
class KubernetesManifestsTest {

  private static final Path K8S = ROOT.resolve("docker/k8s");
  private static final Map<String, Role> ROLES = Map.of("api", Role.API, "worker", Role.WORKER, "updater", Role.UPDATER);

  private static final List<Map<String, Object>> documents = new ArrayList<>();
  private static final Map<String, List<Map<String, Object>>> byFile = new LinkedHashMap<>();

  @BeforeAll
  static void load() throws Exception {
    try (Stream<Path> files = Files.walk(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        List<Map<String, Object>> docs = DeployFiles.loadAllYaml(file);
        byFile.put(K8S.relativize(file).toString(), docs);
        documents.addAll(docs);
      }
    }
  }

  private static List<Map<String, Object>> kind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }

  private static Map<String, Object> named(String kind, String name) {
    return kind(kind).stream().filter(d -> name.equals(value(d, "metadata", "name"))).findFirst()
        .orElseThrow(() -> new AssertionError("No " + kind + " named " + name));
  }

  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    return !selector.isEmpty() && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  @Test
  void everyDocumentParsesWithApiVersionKindAndName() {
    assertThat(documents).hasSizeGreaterThan(10);
    byFile.forEach((file, docs) -> docs.forEach(doc -> {
      if (file.equals("kustomization.yaml")) {
        return;
      }
      assertThat(doc.get("apiVersion")).as("apiVersion in %s", file).isNotNull();
      assertThat(doc.get("kind")).as("kind in %s", file).isNotNull();
      assertThat(value(doc, "metadata", "name")).as("metadata.name of a %s in %s", doc.get("kind"), file).isNotNull();
    }));
  }

  @Test
  void kustomizationListsEveryManifestOfTheDirectory() throws Exception {
    Map<String, Object> kustomization = byFile.get("kustomization.yaml").get(0);
    try (Stream<Path> files = Files.list(K8S)) {
      Set<String> present = files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).collect(Collectors.toSet());
      assertThat(list(kustomization, "resources")).map(String::valueOf).containsExactlyInAnyOrderElementsOf(present);
    }
    byFile.forEach((file, docs) -> docs.stream().filter(d -> value(d, "metadata", "namespace") != null && !file.startsWith("operators"))
        .forEach(d -> assertThat(value(d, "metadata", "namespace")).isEqualTo(kustomization.get("namespace"))));
  }

  @Test
  void eachRoleHasADeploymentServiceAutoscalerAndDisruptionBudget() {
    ROLES.forEach((role, expected) -> {
      String name = "taskmesh-" + role;
      Map<String, Object> deployment = named("Deployment", name);
      Map<String, Object> podLabels = map(deployment, "spec", "template", "metadata", "labels");
      assertThat(selects(map(deployment, "spec", "selector", "matchLabels"), podLabels)).as("selector of %s", name).isTrue();
      assertThat(selects(map(named("Service", name), "spec", "selector"), podLabels)).as("service %s", name).isTrue();
      Map<String, Object> hpa = named("HorizontalPodAutoscaler", name);
      assertThat(value(hpa, "spec", "scaleTargetRef", "kind")).isEqualTo("Deployment");
      assertThat(value(hpa, "spec", "scaleTargetRef", "name")).isEqualTo(name);
      assertThat((Integer) value(hpa, "spec", "minReplicas")).isPositive()
          .isLessThanOrEqualTo((Integer) value(hpa, "spec", "maxReplicas"));
      Map<String, Object> pdb = named("PodDisruptionBudget", name);
      assertThat(selects(map(pdb, "spec", "selector", "matchLabels"), podLabels)).as("PDB %s", name).isTrue();
      assertThat(value(pdb, "spec", "minAvailable") != null || value(pdb, "spec", "maxUnavailable") != null).isTrue();
    });
  }

  @Test
  void containersHaveImageResourcesAndProbesOnRealPaths() {
    ROLES.keySet().forEach(role -> {
      Map<String, Object> pod = map(named("Deployment", "taskmesh-" + role), "spec", "template", "spec");
      List<Object> containers = list(pod, "containers");
      assertThat(containers).hasSize(1);
      Object container = containers.get(0);
      assertThat(value(container, "image")).isNotNull();
      for (String kind : List.of("requests", "limits")) {
        assertThat(map(container, "resources", kind)).as("%s of %s", kind, role).containsKeys("cpu", "memory");
      }
      Set<String> portNames = list(container, "ports").stream().map(p -> String.valueOf(value(p, "name"))).collect(Collectors.toSet());
      int httpPort = list(container, "ports").stream().filter(p -> "http".equals(value(p, "name")))
          .map(p -> (Integer) value(p, "containerPort")).findFirst().orElseThrow();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        assertThat(value(container, probe, "httpGet", "path")).as("%s of %s", probe, role).isIn(HEALTH_PATHS);
        assertThat(portNames).as("%s port of %s", probe, role).contains(String.valueOf(value(container, probe, "httpGet", "port")));
      }
      assertThat(value(container, "readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
      assertThat(value(container, "livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
      AppConfig config = DeployFiles.appConfig(environmentOf(container));
      int served = role.equals("api") ? config.http().port() : config.metrics().port().orElseThrow();
        if (role.equals("api")) { // a second server on the API's port would fail the start
          assertThat(config.metrics().port()).isEmpty();
        }
      assertThat(served).as("port %s serves health on", role).isEqualTo(httpPort);
      assertThat(value(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
      assertThat(value(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
      assertThat(list(container, "volumeMounts").stream().map(m -> value(m, "mountPath"))).contains("/tmp", "/app/data");
    });
  }

  @Test
  void theEnvironmentOfEachRoleIsAValidConfigurationForThatRole() {
    Set<String> known = new HashSet<>(EnvironmentMapping.keyByVariable().keySet());
    known.addAll(NON_CONFIG_VARIABLES);
    assertThat(known).containsAll(map(named("ConfigMap", "taskmesh-config"), "data").keySet());
    assertThat(known).containsAll(map(named("Secret", "taskmesh-secrets"), "stringData").keySet());
    ROLES.forEach((role, expected) -> {
      Object container = list(named("Deployment", "taskmesh-" + role), "spec", "template", "spec", "containers").get(0);
      Map<String, String> environment = environmentOf(container);
      assertThat(known).containsAll(environment.keySet());
      AppConfig config = DeployFiles.appConfig(environment);
      assertThat(config.roles()).containsExactly(expected);
      assertThat(config.kafka().bootstrapServers()).isPresent();
      assertThat(config.mongo().uri()).isPresent();
      assertThat(config.cluster().enabled()).isTrue();
      assertThat(config.cluster().discovery()).isEqualTo(AppConfig.Discovery.KUBERNETES);
      assertThat(config.cluster().minMembers()).isGreaterThanOrEqualTo(2);
      if (expected == Role.API) {
        assertThat(environment).containsKeys("ADMIN_PASSWORD", "JWT_SECRET");
      }
    });
  }

  @Test
  void clusterMembersFindEachOtherThroughTheHeadlessService() {
    Map<String, Object> service = named("Service", "taskmesh-cluster");
    assertThat(value(service, "spec", "clusterIP")).isEqualTo("None");
    assertThat(value(service, "spec", "publishNotReadyAddresses")).isEqualTo(true);
    String dns = "taskmesh-cluster." + value(service, "metadata", "namespace") + ".svc.cluster.local";
    assertThat(map(named("ConfigMap", "taskmesh-config"), "data")).containsEntry("CLUSTER_KUBERNETES_SERVICE_DNS", dns);
    Object port = list(service, "spec", "ports").get(0);
    assertThat(value(port, "port")).isEqualTo(5701);
    ROLES.keySet().forEach(role -> {
      Map<String, Object> template = map(named("Deployment", "taskmesh-" + role), "spec", "template");
      assertThat(selects(map(service, "spec", "selector"), map(template, "metadata", "labels"))).as("%s is a member", role).isTrue();
      Object container = list(template, "spec", "containers").get(0);
      assertThat(list(container, "ports").stream().map(p -> value(p, "name"))).contains(value(port, "targetPort"));
    });
  }

  @Test
  void workerAutoscalingStaysWithinThePartitions() {
    Map<String, Object> data = map(named("ConfigMap", "taskmesh-config"), "data");
    int partitions = Integer.parseInt(String.valueOf(data.get("KAFKA_PARTITIONS")));
    Object container = list(named("Deployment", "taskmesh-worker"), "spec", "template", "spec", "containers").get(0);
    int instances = DeployFiles.appConfig(environmentOf(container)).worker().instances();
    int maxReplicas = (Integer) value(named("HorizontalPodAutoscaler", "taskmesh-worker"), "spec", "maxReplicas");
    assertThat(maxReplicas * instances).isLessThanOrEqualTo(partitions);
  }

  @Test
  void theIngressSendsTrafficToTheApiService() {
    Map<String, Object> ingress = named("Ingress", "taskmesh");
    Object backend = value(list(value(list(ingress, "spec", "rules").get(0), "http"), "paths").get(0), "backend", "service");
    assertThat(value(backend, "name")).isEqualTo("taskmesh-api");
    Map<String, Object> service = named("Service", "taskmesh-api");
    assertThat(list(service, "spec", "ports").stream().map(p -> value(p, "name"))).contains(value(backend, "port", "name"));
  }

  @Test
  void operatorExamplesDescribeAThreeNodeKafkaAndAThreeMemberReplicaSet() {
    Map<String, Object> pool = named("KafkaNodePool", "combined");
    assertThat(value(pool, "spec", "replicas")).isEqualTo(3);
    assertThat(list(pool, "spec", "roles")).containsExactlyInAnyOrder("controller", "broker");
    Map<String, Object> kafka = named("Kafka", "taskmesh");
    assertThat(map(kafka, "spec", "kafka", "config")).containsEntry("min.insync.replicas", 2).containsEntry("default.replication.factor", 3);
    String bootstrap = String.valueOf(map(named("ConfigMap", "taskmesh-config"), "data").get("KAFKA_BOOTSTRAP_SERVERS"));
    assertThat(bootstrap).startsWith(value(kafka, "metadata", "name") + "-kafka-bootstrap." + value(kafka, "metadata", "namespace") + ".svc:");
    Map<String, Object> mongo = named("MongoDBCommunity", "taskmesh-mongo");
    assertThat(value(mongo, "spec", "members")).isEqualTo(3);
    assertThat(value(mongo, "spec", "type")).isEqualTo("ReplicaSet");
  }

  /** The container's environment as the kubelet builds it: envFrom ConfigMaps, then env (values and secret keys). */
  private static Map<String, String> environmentOf(Object container) {
    Map<String, String> environment = new LinkedHashMap<>();
    for (Object source : list(container, "envFrom")) {
      String configMap = String.valueOf(value(source, "configMapRef", "name"));
      map(named("ConfigMap", configMap), "data").forEach((k, v) -> environment.put(k, String.valueOf(v)));
    }
    for (Object variable : list(container, "env")) {
      String name = String.valueOf(value(variable, "name"));
      Optional<Object> secretName = Optional.ofNullable(value(variable, "valueFrom", "secretKeyRef", "name"));
      if (secretName.isPresent()) {
        Object key = value(variable, "valueFrom", "secretKeyRef", "key");
        Map<String, Object> data = map(named("Secret", String.valueOf(secretName.get())), "stringData");
        assertThat(data).as("secret %s", secretName.get()).containsKey(String.valueOf(key));
        environment.put(name, String.valueOf(data.get(key)));
      } else {
        environment.put(name, String.valueOf(value(variable, "value")));
      }
    }
    return environment;
  }
}
