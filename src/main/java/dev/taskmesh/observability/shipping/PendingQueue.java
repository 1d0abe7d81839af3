package dev.taskmesh.observability.shipping;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded FIFO that never blocks the producer: when full, the oldest entry is dropped and
 * counted. Producers hold the lock only for an array write, so logging threads (event loops
 * included) never wait on the network.
 */
final class PendingQueue<T> {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final ShippingStats stats;
  private int capacity;
  private int wakeAt;

  PendingQueue(int capacity, int wakeAt, ShippingStats stats) {
    this.capacity = capacity;
    this.wakeAt = wakeAt;
    this.stats = stats;
  }

  void offer(T item) {
    lock.lock();
    try {
      if (items.size() >= capacity) {
        items.pollFirst();
        stats.dropped.incrementAndGet();
      }
      items.addLast(item);
      if (items.size() >= wakeAt) {
        ready.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Changes the bound; entries above the new one are dropped (oldest first) and counted. */
  void resize(int newCapacity, int newWakeAt) {
    lock.lock();
    try {
      capacity = newCapacity;
      wakeAt = newWakeAt;
      while (items.size() > capacity) {
        items.pollFirst();
        stats.dropped.incrementAndGet();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Up to {@code max} entries, waiting at most {@code waitMs} for {@code wakeAt} of them to gather. */
  List<T> take(int max, long waitMs) throws InterruptedException {
    lock.lock();
    try {
      long remaining = TimeUnit.MILLISECONDS.toNanos(waitMs);
      while (items.size() < wakeAt && remaining > 0) {
        remaining = ready.awaitNanos(remaining);
      }
      int n = Math.min(max, items.size());
      List<T> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        batch.add(items.pollFirst());
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes a waiting {@link #take} at once (stop, flush). */
  void wake() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Removes everything; returns how many entries there were. */
  int clear() {
    lock.lock();
    try {
      int n = items.size();
      items.clear();
      return n;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return items.size();
    } finally {
      lock.unlock();
    }
  }
}
