package dev.taskmesh.deploy;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the deployment files of the repository the way their tools do, for static checks. */
final class DeployFiles {

  /** Paths the application really serves for health (checked against a running server in HealthEndpointsTest). */
  static final Set<String> HEALTH_PATHS = Set.of("/health/live", "/health/ready");
  /** Variables read by the launcher or the image rather than by the configuration. */
  static final Set<String> NON_CONFIG_VARIABLES = Set.of("JAVA_OPTS", "LOG_LEVEL");

  static final Path ROOT = findRoot();

  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$\\$");

  private DeployFiles() {}

  private static Path findRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("docker-compose.yml not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> loadYaml(Path file) throws IOException {
    return (Map<String, Object>) yaml().load(Files.readString(file));
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> loadAllYaml(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : yaml().loadAll(Files.readString(file))) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  /** A dotenv file as docker compose reads it: KEY=VALUE lines, # comments, later files win. */
  static Map<String, String> dotenv(Path... files) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        int equals = trimmed.indexOf('=');
        if (equals < 1) {
          throw new IllegalArgumentException(file + ": not KEY=VALUE: " + line);
        }
        values.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
      }
    }
    return values;
  }

  /** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, $$. Unset variables are collected. */
  static String interpolate(String text, Map<String, String> variables, Set<String> missing) {
    Matcher matcher = INTERPOLATION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement;
      if (matcher.group().equals("$$")) {
        replacement = "$";
      } else {
        String name = matcher.group(1);
        String operator = matcher.group(2);
        String value = variables.get(name);
        boolean unsetOrEmpty = value == null || value.isEmpty() && operator != null && operator.startsWith(":");
        if (operator != null && operator.endsWith("-")) {
          replacement = unsetOrEmpty ? matcher.group(3) : value;
        } else {
          if (value == null) {
            missing.add(name);
          }
          replacement = value == null ? "" : value;
        }
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** Every ${VAR} in a file, for the check that .env defines each one. */
  static Set<String> referencedVariables(String text) {
    Set<String> names = new java.util.TreeSet<>();
    Matcher matcher = INTERPOLATION.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1) != null && (matcher.group(2) == null || !matcher.group(2).endsWith("-"))) {
        names.add(matcher.group(1));
      }
    }
    return names;
  }

  /** Loads the application's configuration from this environment exactly as the launcher does. */
  static AppConfig appConfig(Map<String, String> environment) {
    Vertx vertx = Vertx.vertx();
    try {
      return ConfigLoader.load(vertx, Optional.empty(), environment, new Properties()).await();
    } finally {
      vertx.close().await();
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = current instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return current == null ? Map.of() : (Map<String, Object>) current;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = current instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return current == null ? List.of() : (List<Object>) current;
  }

  static Object value(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      current = current instanceof Map<?, ?> m ? m.get(key) : null;
    }
    return current;
  }
}
