package dev.taskmesh.config;

import com.mongodb.ConnectionString;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads typed values at dotted keys of the merged configuration JSON, each checked where it is read
 * ({@link ConfigException} names the key, the value and what was expected), and remembers every key
 * it was asked for, so {@link #rejectUnknownKeys} can refuse the ones nothing reads: a typo never
 * goes unnoticed. {@link ConfigParser} decides which keys make up which settings.
 */
final class ConfigValues {

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:(\\d{1,5})");

  private final JsonObject json;
  private final Set<String> readKeys = new HashSet<>();

  ConfigValues(JsonObject json) {
    this.json = json;
  }

  /** An enum constant by its name in any case; {@code expected} lists the accepted names for the error. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type, String expected) {
    String raw = text(key);
    try {
      return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, raw, "expected " + expected);
    }
  }

  /** Throws for the first key of the JSON that nothing read. */
  void rejectUnknownKeys() {
    rejectUnknownKeys(json, "");
  }

  boolean bool(String key) {
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

  List<String> list(String key) {
    Object raw = value(key);
    List<String> items = new ArrayList<>();
    if (raw instanceof JsonArray array) {
      array.forEach(item -> items.add(String.valueOf(item).trim()));
    } else if (raw != null) {
      EnvironmentMapping.splitList(String.valueOf(raw)).forEach(item -> items.add(String.valueOf(item)));
    }
    items.removeIf(String::isBlank);
    return List.copyOf(items);
  }

  /** The raw value at a dotted key ({@code null} when absent), and the key counted as read. */
  Object value(String dottedKey) {
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

  String text(String key) {
    Object raw = value(key);
    if (raw == null || raw instanceof JsonObject || raw instanceof JsonArray || String.valueOf(raw).isBlank()) {
      throw new ConfigException(key, raw, "a non-empty value is required");
    }
    return String.valueOf(raw).trim();
  }

  Optional<String> optionalText(String key) {
    Object raw = value(key);
    return raw == null || String.valueOf(raw).isBlank() ? Optional.empty() : Optional.of(String.valueOf(raw).trim());
  }

  int integer(String key, int min, int max) {
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

  int port(String key) {
    return integer(key, 0, 65_535);
  }

  String topic(String key) {
    String name = text(key);
    if (!name.matches("[A-Za-z0-9._\\-]{1,249}")) {
      throw new ConfigException(key, name, "not a valid Kafka topic name (letters, digits, '.', '_', '-')");
    }
    return name;
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
