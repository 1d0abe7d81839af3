package dev.taskmesh.bridge;

/**
 * How much one publisher may have sent and not yet acknowledged by the broker, in records and in
 * characters of their values. The Kafka client hands each send to one ordered worker context; while
 * the broker is away, a send blocks there (its buffer is full, or the topic's metadata is missing)
 * and every later send queues behind it, without a bound, each holding its record. Past this bound
 * a send fails at once instead; every caller already recovers from a failed send (the outbox relay
 * republishes a launch, the bridge redelivers a command whose result was not sent).
 *
 * <p>Synchronized, though uncontended in practice: a publisher belongs to one verticle instance, and
 * its sends complete on that instance's context.
 */
final class PublishBacklog {

  /**
   * The bound in characters, beside the configured one in records ({@code kafka.publishBacklogRecords},
   * 20,000 by default: far above the ~500 records a healthy broker leaves waiting at 10,000 runs/s,
   * or 64 batch launches of 100 runs at once). A run command is about 400 characters; eight million
   * keep the worst case of an all-in-one process's publishers a fraction of a 256 MB heap.
   */
  static final long MAX_CHARS = 8L * 1024 * 1024;

  private final int maxRecords;
  private final long maxChars;
  private int records;
  private long chars;

  PublishBacklog(int maxRecords, long maxChars) {
    if (maxRecords < 1 || maxChars < 1) {
      throw new IllegalArgumentException("a publish backlog needs room for at least one record");
    }
    this.maxRecords = maxRecords;
    this.maxChars = maxChars;
  }

  /**
   * Takes room for a record of {@code length} characters, or returns false when the backlog is full.
   * A record larger than the whole bound still goes when nothing else waits, so no record is refused
   * for its size alone.
   */
  synchronized boolean tryAdd(int length) {
    if (records > 0 && (records >= maxRecords || chars + length > maxChars)) {
      return false;
    }
    records++;
    chars += length;
    return true;
  }

  /** Gives back the room of a record the broker acknowledged or the client gave up on. */
  synchronized void remove(int length) {
    records--;
    chars -= length;
  }

  synchronized int records() {
    return records;
  }

  synchronized long chars() {
    return chars;
  }

  int maxRecords() {
    return maxRecords;
  }
}
