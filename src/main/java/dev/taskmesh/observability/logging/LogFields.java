package dev.taskmesh.observability.logging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable set of correlation fields (trace id, run id, ...). Stored as a Vert.x context local,
 * so a copy-on-write value is safe to share between a context and its duplicates.
 */
public final class LogFields {

  public static final String TRACE_ID = "trace.id";
  public static final String SPAN_ID = "span.id";
  public static final String RUN_ID = "run.id";
  public static final String TASK_ID = "task.id";
  public static final String USER_ID = "user.id";

  private static final LogFields EMPTY = new LogFields(Map.of());

  public static LogFields empty() {
    return EMPTY;
  }

  private final Map<String, String> values;

  private LogFields(Map<String, String> values) {
    this.values = values;
  }

  public LogFields with(String key, String value) {
    if (value == null) {
      if (!values.containsKey(key)) {
        return this;
      }
      Map<String, String> copy = new LinkedHashMap<>(values);
      copy.remove(key);
      return new LogFields(Collections.unmodifiableMap(copy));
    }
    if (value.equals(values.get(key))) {
      return this;
    }
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(key, value);
    return new LogFields(Collections.unmodifiableMap(copy));
  }

  public String get(String key) {
    return values.get(key);
  }

  public Map<String, String> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}
