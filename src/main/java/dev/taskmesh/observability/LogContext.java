package dev.taskmesh.observability;

import dev.taskmesh.observability.logging.LogFields;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Correlation fields of the work in progress (trace id, run id, user id, ...), added to every log
 * line written while that work runs. Stored on the current <em>duplicated</em> Vert.x context (one
 * per HTTP request and per event-bus message), so the fields follow the work through future
 * callbacks, timers and {@code executeBlocking} on worker threads, where a thread-local MDC would
 * be lost or, worse, leak into the next request served by the same event loop.
 *
 * <p>On a thread without a duplicated context (the launcher, a Kafka poll loop, a periodic timer of
 * a verticle) nothing is stored; use {@link #scope} there, which sets the thread's MDC for one
 * block of code.
 */
public final class LogContext {

  private LogContext() {}

  /** Sets one field for the rest of the current request or message; false when there is none to hold it. */
  public static boolean put(String key, String value) {
    ContextInternal context = duplicated();
    if (context == null) {
      return false;
    }
    LogFields current = context.getLocal(Storage.LOCAL, LogFields::empty);
    context.putLocal(Storage.LOCAL, current.with(key, value));
    return true;
  }

  /** The fields of the current request or message (empty outside one). */
  public static Map<String, String> current() {
    ContextInternal context = duplicated();
    if (context == null) {
      return Map.of();
    }
    LogFields fields = context.getLocal(Storage.LOCAL);
    return fields == null ? Map.of() : fields.asMap();
  }

  public static String get(String key) {
    ContextInternal context = duplicated();
    LogFields fields = context == null ? null : context.getLocal(Storage.LOCAL);
    return fields == null ? null : fields.get(key);
  }

  /** Trace and span of a W3C traceparent (ignored when absent or malformed). */
  public static void putTrace(String traceparent) {
    Traceparent.parse(traceparent).ifPresent(trace -> {
      put(LogFields.TRACE_ID, trace.traceId());
      put(LogFields.SPAN_ID, trace.spanId());
    });
  }

  /**
   * Enters the context of a bridged Kafka record: its trace (header {@code traceparent}) and run
   * (the record key is the run id). One call at the top of an event-bus consumer.
   */
  public static <T> Message<T> enter(Message<T> message) {
    putTrace(message.headers().get("traceparent"));
    String key = message.headers().get("kafka.key");
    if (key != null) {
      put(LogFields.RUN_ID, key);
    }
    return message;
  }

  /**
   * Sets {@code fields} on the thread's MDC for the duration of a block, for code that runs outside
   * a request or message (a sweep on a timer). Restores the previous values on close.
   */
  public static Scope scope(Map<String, String> fields) {
    Map<String, String> previous = new HashMap<>();
    fields.forEach((key, value) -> {
      previous.put(key, MDC.get(key));
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    });
    return () -> previous.forEach((key, value) -> {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    });
  }

  /** Fields of a run, for {@link #scope}. */
  public static Map<String, String> run(String runId, String traceId) {
    Map<String, String> fields = new HashMap<>();
    fields.put(LogFields.RUN_ID, runId);
    fields.put(LogFields.TRACE_ID, traceId);
    return fields;
  }

  /** Closing restores the thread's MDC. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  private static ContextInternal duplicated() {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal internal && internal.isDuplicate() ? internal : null;
  }

  /** Indirection so that this class loads without touching Vert.x internals until used. */
  private static final class Storage {
    static final io.vertx.core.spi.context.storage.ContextLocal<LogFields> LOCAL = dev.taskmesh.observability.logging.LogContextStorage.local();
  }
}
