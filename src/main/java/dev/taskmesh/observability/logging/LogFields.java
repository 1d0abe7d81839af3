package dev.taskmesh.observability.logging;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable set of correlation fields (trace id, run id, ...). Stored as a Vert.x context local,
 * so a copy-on-write value is safe to share between a context and its duplicates.
 *
 * <p>A request or a consumed record sets two to four fields, one at a time, and each change makes a
 * new set: so the fields are two short arrays, not a map (a copied {@code LinkedHashMap} per field
 * was 4% of the bytes the pipeline allocated per run; docs/benchmarks.md, twenty-first round).
 */
public final class LogFields {

  public static final String TRACE_ID = "trace.id";
  public static final String SPAN_ID = "span.id";
  public static final String RUN_ID = "run.id";
  public static final String TASK_ID = "task.id";
  public static final String USER_ID = "user.id";

  private static final String[] NONE = {};
  private static final LogFields EMPTY = new LogFields(NONE, NONE);

  public static LogFields empty() {
    return EMPTY;
  }

  private final String[] keys;
  private final String[] values; // values[i] belongs to keys[i]; never null
  private Map<String, String> view; // made on first use: a race makes two equal maps, harmless

  private LogFields(String[] keys, String[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** These fields with {@code key} set to {@code value}, or removed when {@code value} is null. */
  public LogFields with(String key, String value) {
    int at = indexOf(key);
    if (value == null) {
      return at < 0 ? this : without(at);
    }
    if (at >= 0) {
      if (value.equals(values[at])) {
        return this;
      }
      String[] changed = values.clone();
      changed[at] = value;
      return new LogFields(keys, changed);
    }
    String[] moreKeys = Arrays.copyOf(keys, keys.length + 1);
    String[] moreValues = Arrays.copyOf(values, values.length + 1);
    moreKeys[keys.length] = key;
    moreValues[values.length] = value;
    return new LogFields(moreKeys, moreValues);
  }

  private LogFields without(int at) {
    String[] fewerKeys = new String[keys.length - 1];
    String[] fewerValues = new String[values.length - 1];
    System.arraycopy(keys, 0, fewerKeys, 0, at);
    System.arraycopy(values, 0, fewerValues, 0, at);
    System.arraycopy(keys, at + 1, fewerKeys, at, keys.length - at - 1);
    System.arraycopy(values, at + 1, fewerValues, at, values.length - at - 1);
    return new LogFields(fewerKeys, fewerValues);
  }

  private int indexOf(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  public String get(String key) {
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  /** The fields as an unmodifiable map, in the order they were first set; made once, when a log line first asks. */
  public Map<String, String> asMap() {
    Map<String, String> map = view;
    if (map == null) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 0; i < keys.length; i++) {
        fields.put(keys[i], values[i]);
      }
      map = Collections.unmodifiableMap(fields);
      view = map;
    }
    return map;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
