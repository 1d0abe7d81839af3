package dev.taskmesh.observability;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission control on memory: launches are refused while the heap that survived the last garbage
 * collection fills more than a ceiling of the maximum heap. Every accepted run is work and history
 * in this process (the embedded store keeps its indexes in the heap); past the heap's end, H2
 * closes the embedded store after a failed write and every request fails until a restart. Refusing
 * new runs first (503 with Retry-After) keeps reads, running work and the store alive, and
 * retention frees room for launches to resume.
 *
 * <p>Fed by the JVM's collection notifications (on the JMX notification thread), so reading it
 * costs a volatile read. Until the first collection it admits everything.
 */
public final class HeapGuard implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeapGuard.class);
  private static final String LAUNCH_CEILING_KEY = "api.launchHeapCeilingPercent";

  private final int ceilingPercent;
  private final String ceilingKey;
  private final Counter refusals;
  private final long maxHeapBytes;
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final Set<String> heapPools = new HashSet<>();
  private final NotificationListener listener = this::collected;
  private volatile double usedAfterCollection; // fraction of the maximum heap, after the last collection
  private volatile boolean refusing;
  private final WarningThrottle warnings = WarningThrottle.perMinute();

  HeapGuard(int ceilingPercent, long maxHeapBytes, Counter refusals) {
    this(ceilingPercent, LAUNCH_CEILING_KEY, maxHeapBytes, refusals);
  }

  HeapGuard(int ceilingPercent, String ceilingKey, long maxHeapBytes, Counter refusals) {
    this.ceilingPercent = ceilingPercent;
    this.ceilingKey = ceilingKey;
    this.maxHeapBytes = maxHeapBytes;
    this.refusals = refusals;
  }

  /** A guard fed by this JVM's collections; {@code ceilingPercent} 0 never refuses (and listens to nothing). */
  public static HeapGuard start(int ceilingPercent) {
    return start(ceilingPercent, LAUNCH_CEILING_KEY);
  }

  /**
   * A guard as {@link #start(int)} whose warnings name the setting {@code ceilingKey}; a process
   * may hold two (the gateway's and the embedded store's), which share the refusal counter.
   */
  public static HeapGuard start(int ceilingPercent, String ceilingKey) {
    // Registered at start, so the series exists at zero before the first refusal (as every counter here).
    Counter refusals = Counter.builder("taskmesh.launches.refused").description("Launch requests refused before any run was accepted")
        .tag("reason", "memory").register(Metrics.registry());
    HeapGuard guard = new HeapGuard(ceilingPercent, ceilingKey, Runtime.getRuntime().maxMemory(), refusals);
    if (ceilingPercent > 0) {
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          guard.heapPools.add(pool.getName()); // a collection reports every pool: code cache and metaspace too
        }
      }
      for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (collector instanceof NotificationEmitter emitter) {
          emitter.addNotificationListener(guard.listener, null, null);
          guard.emitters.add(emitter);
        }
      }
      Gauge.builder("taskmesh.heap.after.gc", guard, HeapGuard::usedAfterCollection)
          .description("Heap in use after the last garbage collection, as a fraction of the maximum heap").register(Metrics.registry());
    }
    return guard;
  }

  /** True unless the last collection left the heap above the ceiling. */
  public boolean admits() {
    return !refusing;
  }

  /** Counts a launch refused for memory, for {@code taskmesh_launches_refused_total{reason="memory"}}. */
  public void refused() {
    refusals.increment();
  }

  /** What the refusal says: the heap's state and what to do. */
  public String refusal() {
    return refusal("The system");
  }

  /** The refusal, said of {@code subject} (the process whose heap this guard watches). */
  public String refusal(String subject) {
    return String.format("%s is short of memory: %.0f%% of its heap was still in use after the last garbage collection"
        + " (the ceiling is %d%%). It accepts no new runs until it has room again; runs already accepted go on."
        + " Retry later; finished runs are deleted after their retention period, or give the process more heap (-Xmx).",
        subject, usedAfterCollection * 100, ceilingPercent);
  }

  double usedAfterCollection() {
    return usedAfterCollection;
  }

  /** One collection's outcome: the heap in use after it. */
  void afterCollection(long usedBytes) {
    usedAfterCollection = maxHeapBytes <= 0 ? 0 : (double) usedBytes / maxHeapBytes;
    boolean above = ceilingPercent > 0 && usedAfterCollection * 100 >= ceilingPercent;
    if (above != refusing) {
      refusing = above;
      // Near the ceiling, collections leave the heap above and below it by turns: one warning a minute says enough.
      if (above && warnings.due()) {
        LOG.warn("Refusing launches while collections leave the heap above {}% of its maximum ({}); now {}%."
            + " Finished runs leave with retention (pipeline.runRetentionSeconds), or give the process more heap.",
            ceilingPercent, ceilingKey, Math.round(usedAfterCollection * 100));
      } else {
        LOG.debug("Launches {}: {}% of the heap in use after a collection", above ? "refused" : "accepted", Math.round(usedAfterCollection * 100));
      }
    }
  }

  private void collected(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(pool.getKey())) {
        used += pool.getValue().getUsed();
      }
    }
    afterCollection(used);
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // already gone
      }
    }
    emitters.clear();
  }
}
