package dev.taskmesh.observability.shipping;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.taskmesh.observability.logging.ContextMdc;
import dev.taskmesh.observability.logging.ServiceIdentity;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ships log events to Elasticsearch (or OpenSearch) with bounded memory, off every event loop.
 * Declared in logback.xml but dormant until {@link #activate} gives it an address (the launcher
 * does, from {@code elasticsearch.*}); until then it keeps at most {@link #STARTUP_CAPACITY} events
 * of the start so they are shipped too, and {@link #deactivate} discards them when shipping is off.
 *
 * <p>On the logging thread it only captures the event's context and appends it to a bounded queue
 * (drop oldest, counted). Encoding and the network happen on one daemon thread, {@link BulkShipper}.
 */
public class ElasticsearchAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  static final int STARTUP_CAPACITY = 2_000;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);
  private static volatile ElasticsearchAppender current;

  private final ShippingStats stats = new ShippingStats();
  private final AtomicLong sequence = new AtomicLong();
  private final String idPrefix = ServiceIdentity.instanceId() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
  private Encoder<ILoggingEvent> encoder;
  private volatile PendingQueue<BulkShipper.Doc> queue;
  private volatile ShippingSettings settings;
  private volatile String indexPrefix = "taskmesh-logs";
  private volatile boolean dormant = true;
  private volatile boolean disabled;
  private BulkShipper shipper;
  private Thread thread;
  private final boolean global;

  /** The appender logback.xml declares; the launcher finds it through {@link #current()}. */
  public ElasticsearchAppender() {
    this(true);
  }

  /** A private instance (tests): not published as {@link #current()}. */
  ElasticsearchAppender(boolean global) {
    this.global = global;
  }

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /** The appender of the logging configuration, if it declares one. */
  public static ElasticsearchAppender current() {
    return current;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("No encoder for appender " + name);
      return;
    }
    queue = new PendingQueue<>(STARTUP_CAPACITY, Integer.MAX_VALUE, stats);
    if (global) {
      current = this;
    }
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (disabled || event.getLoggerName().startsWith(BulkShipper.LOGGER_NAME)) {
      return;
    }
    ContextMdc.attach(event);
    event.prepareForDeferredProcessing();
    stats.accepted.incrementAndGet();
    String index = indexPrefix + "-" + DAY.format(event.getInstant());
    queue.offer(new BulkShipper.Doc(idPrefix + sequence.incrementAndGet(), index, event, 0));
  }

  /** Starts (or restarts with new settings) shipping; events of the start still queued go first. */
  public synchronized void activate(ShippingSettings newSettings) {
    stopShipper(newSettings.shutdownTimeoutMs());
    settings = newSettings;
    indexPrefix = newSettings.indexPrefix();
    queue.resize(newSettings.queueCapacity(), newSettings.batchSize());
    shipper = new BulkShipper(newSettings, queue, stats, this::encode);
    thread = new Thread(shipper, "log-shipper");
    thread.setDaemon(true);
    thread.start();
    disabled = false;
    dormant = false;
  }

  /** Shipping is off: forget what the start queued and take no more events. */
  public synchronized void deactivate() {
    stopShipper(0);
    disabled = true;
    // never meant to be shipped: they leave the accounting instead of counting as drops
    stats.accepted.addAndGet(-queue.clear());
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (dormant) {
        stats.accepted.addAndGet(-queue.clear());
      }
      stopShipper(settings == null ? 0 : settings.shutdownTimeoutMs());
    }
    super.stop();
  }

  private void stopShipper(long timeoutMs) {
    if (thread == null) {
      return;
    }
    shipper.stop(timeoutMs);
    try {
      thread.join(timeoutMs + 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread = null;
  }

  public ShippingStats stats() {
    return stats;
  }

  public int queued() {
    PendingQueue<BulkShipper.Doc> q = queue;
    return q == null ? 0 : q.size();
  }

  public boolean active() {
    return !dormant && !disabled && thread != null;
  }

  /** Whether the last request reached the engine; with the time of the last success and the last error. */
  public ShippingStatus status() {
    BulkShipper s = shipper;
    ShippingSettings configured = settings;
    if (s == null || configured == null) {
      return new ShippingStatus(false, false, 0, "not active", null);
    }
    return new ShippingStatus(true, s.engineUp(), s.lastSuccessMillis(), s.lastError(), configured);
  }

  private byte[] encode(Object event) {
    try {
      byte[] line = encoder.encode((ILoggingEvent) event);
      int end = line.length;
      while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
        end--;
      }
      return end == line.length ? line : java.util.Arrays.copyOf(line, end);
    } catch (RuntimeException e) {
      addWarn("Could not encode a log event: " + e);
      return null;
    }
  }

  /** A snapshot for health checks. */
  public record ShippingStatus(boolean active, boolean engineUp, long lastSuccessMillis, String lastError, ShippingSettings settings) {}
}
