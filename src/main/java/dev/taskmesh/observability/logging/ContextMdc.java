package dev.taskmesh.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.taskmesh.observability.LogContext;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Copies the Vert.x context's correlation fields into a log event's MDC, on the thread that logs
 * (the only place the context is visible). Appenders that hand events to another thread call
 * {@link #attach} before they do; a thread-local MDC value wins over the context's.
 */
public final class ContextMdc {

  private ContextMdc() {}

  public static void attach(ILoggingEvent event) {
    if (!(event instanceof LoggingEvent loggingEvent)) {
      return;
    }
    Map<String, String> fields = LogContext.current();
    if (fields.isEmpty()) {
      return;
    }
    Map<String, String> merged = new HashMap<>(fields);
    Map<String, String> thread = MDC.getCopyOfContextMap();
    if (thread != null) {
      merged.putAll(thread);
    }
    try {
      loggingEvent.setMDCPropertyMap(merged);
    } catch (IllegalStateException alreadySet) {
      // another appender of this event attached it first, with the same fields
    }
  }
}
