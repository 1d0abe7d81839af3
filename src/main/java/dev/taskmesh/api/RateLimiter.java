package dev.taskmesh.api;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Fixed one-minute windows per key (an account, a client address, a caller), shared by every API
 * verticle of the process. {@link #acquire} counts an attempt and answers 0 when allowed, or the
 * seconds until the window ends (the {@code Retry-After}); {@link #release} gives an attempt back
 * (a login that succeeded does not count against the limit of failures).
 */
public final class RateLimiter {

  private static final long WINDOW_MS = 60_000;
  private static final int SWEEP_ABOVE = 50_000;

  private static final class Window {
    long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  private final int limit;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimiter(int limitPerMinute) {
    this(limitPerMinute, System::currentTimeMillis);
  }

  RateLimiter(int limitPerMinute, LongSupplier clock) {
    this.limit = limitPerMinute;
    this.clock = clock;
  }

  public boolean enabled() {
    return limit > 0;
  }

  /** Counts one attempt; 0 when within the limit, otherwise the seconds to wait. */
  public long acquire(String key) {
    if (limit <= 0) {
      return 0;
    }
    long now = clock.getAsLong();
    long[] wait = {0};
    windows.compute(key, (k, window) -> {
      if (window == null || now - window.start >= WINDOW_MS) {
        window = new Window(now);
      }
      if (window.count >= limit) {
        wait[0] = Math.max(1, (window.start + WINDOW_MS - now + 999) / 1000);
      } else {
        window.count++;
      }
      return window;
    });
    if (windows.size() > SWEEP_ABOVE) {
      sweep(now);
    }
    return wait[0];
  }

  /** Gives back one counted attempt of the current window. */
  public void release(String key) {
    windows.computeIfPresent(key, (k, window) -> {
      if (window.count > 0) {
        window.count--;
      }
      return window;
    });
  }

  private void sweep(long now) {
    windows.entrySet().removeIf(e -> now - e.getValue().start >= WINDOW_MS);
  }
}
