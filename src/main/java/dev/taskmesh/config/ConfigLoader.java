package dev.taskmesh.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads the configuration layers with vertx-config, later layers overriding earlier ones:
 * the bundled defaults, an optional file, environment variables, system properties.
 */
public final class ConfigLoader {

  static final String DEFAULTS = "conf/application.yaml";

  private ConfigLoader() {}

  public static Future<AppConfig> load(Vertx vertx, Optional<Path> configFile, Map<String, String> environment, Properties systemProperties) {
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false);
    options.addStore(yaml(DEFAULTS));
    if (configFile.isPresent()) {
      Path file = configFile.get();
      if (!Files.isReadable(file)) {
        return Future.failedFuture(new ConfigException("--config", file, "file not found or not readable"));
      }
      options.addStore(yaml(file.toString()));
    }
    options.addStore(json(EnvironmentMapping.toConfigLayer(environment)));
    options.addStore(json(systemPropertyLayer(systemProperties)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(failure -> Future.failedFuture(new ConfigException(
            configFile.map(Path::toString).orElse(DEFAULTS), "(file)", "cannot be read as YAML: " + rootMessage(failure))))
        .map(ConfigParser::parse)
        .eventually(retriever::close);
  }

  /** System properties named after a configuration key, e.g. {@code -Dhttp.port=9090}. */
  static JsonObject systemPropertyLayer(Properties properties) {
    JsonObject layer = new JsonObject();
    for (String key : EnvironmentMapping.keyByVariable().values()) {
      String value = properties.getProperty(key);
      if (value != null) {
        EnvironmentMapping.put(layer, key, EnvironmentMapping.isList(key) ? EnvironmentMapping.splitList(value) : value);
      }
    }
    return layer;
  }

  private static ConfigStoreOptions yaml(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("yaml").setConfig(new JsonObject().put("path", path));
  }

  private static ConfigStoreOptions json(JsonObject layer) {
    return new ConfigStoreOptions().setType("json").setConfig(layer);
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
  }
}
