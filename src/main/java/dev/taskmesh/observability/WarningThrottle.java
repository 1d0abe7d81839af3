package dev.taskmesh.observability;

import java.time.Duration;

/**
 * Lets a repeated warning through at most once per interval. A condition that lasts (a heap near
 * its ceiling, a broker away) meets every request or collection; saying so once a minute is enough,
 * and a line per occurrence would bury everything else in the log.
 */
public final class WarningThrottle {

  private final long intervalNanos;
  private long lastNanos;
  private boolean warned;

  public WarningThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** A warning once a minute at most. */
  public static WarningThrottle perMinute() {
    return new WarningThrottle(Duration.ofMinutes(1));
  }

  /** True when a warning may be logged now (the first time, then once the interval has passed). */
  public synchronized boolean due() {
    long now = System.nanoTime();
    if (warned && now - lastNanos < intervalNanos) {
      return false;
    }
    warned = true;
    lastNanos = now;
    return true;
  }
}
