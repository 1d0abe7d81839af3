package dev.taskmesh.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.taskmesh.observability.logging.ContextAwareAsyncAppender;
import dev.taskmesh.observability.logging.JsonLogEncoder;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures the JSON lines the application writes, through the production path: the context-aware
 * async appender, then the production encoder; the test reads the encoded lines back as JSON.
 */
public final class LogCapture implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final ContextAwareAsyncAppender async = new ContextAwareAsyncAppender();
  private final Logger root;

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    AppenderBase<ILoggingEvent> sink = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8).trim());
      }
    };
    sink.setContext(context);
    sink.setName("capture-sink");
    sink.start();
    async.setContext(context);
    async.setName("capture");
    async.setNeverBlock(true);
    async.setQueueSize(65_536);
    async.addAppender(sink);
    async.start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(async);
  }

  /** Every captured line, parsed (each must be one valid JSON object). */
  public List<JsonObject> json() {
    return lines.stream().map(JsonObject::new).toList();
  }

  public List<String> raw() {
    return List.copyOf(lines);
  }

  /** Waits until a line satisfies {@code match} (lines are written asynchronously). */
  public JsonObject await(Predicate<JsonObject> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonObject line : json()) {
        if (match.test(line)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("No log line matched within " + timeout + "; got:\n" + String.join("\n", tail()));
  }

  private List<String> tail() {
    List<String> all = raw();
    return all.subList(Math.max(0, all.size() - 40), all.size());
  }

  @Override
  public void close() {
    root.detachAppender(async);
    async.stop();
  }
}
