package dev.taskmesh.config;

/** A configuration value the process cannot run with. The message names the key and the bad value. */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, Object value, String problem) {
    super("Invalid configuration: " + describe(key) + " = '" + value + "': " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }

  private static String describe(String key) {
    return EnvironmentMapping.variableFor(key).map(env -> key + " (" + env + ")").orElse(key);
  }
}
