package dev.taskmesh.bridge;

import java.util.TreeSet;

/**
 * Offsets of one partition handed to handlers and not yet acknowledged. The committable offset is
 * the lowest offset still in flight, or one past the highest seen when none is: everything below it
 * has been processed, so a commit never skips an unprocessed record, whatever order replies come in.
 */
final class PartitionProgress {

  private final TreeSet<Long> inFlight = new TreeSet<>();
  private long highestSeen = -1;
  private long lastCommitted = -1;

  void started(long offset) {
    inFlight.add(offset);
    highestSeen = Math.max(highestSeen, offset);
  }

  void finished(long offset) {
    inFlight.remove(offset);
  }

  int inFlight() {
    return inFlight.size();
  }

  /** The offset to commit (Kafka's "next record to read"), or -1 when nothing new is committable. */
  long committable() {
    if (highestSeen < 0) {
      return -1;
    }
    long next = inFlight.isEmpty() ? highestSeen + 1 : inFlight.first();
    return next > lastCommitted ? next : -1;
  }

  void committed(long offset) {
    lastCommitted = Math.max(lastCommitted, offset);
  }
}
