package dev.taskmesh.run;

/**
 * A run's lifecycle. Within one attempt the rank only grows, and a later attempt outranks every
 * state of an earlier one, so {@link #sequence(int)} orders every event of a run: an event whose
 * sequence is not above the stored one is late or duplicate and changes nothing.
 */
public enum RunStatus {
  QUEUED(0, false),
  PENDING(1, false),
  RUNNING(2, false),
  // One attempt failed and another follows; a run out of attempts is DEAD.
  FAILED(3, false),
  COMPLETED(4, true),
  DEAD(5, true),
  CANCELLED(6, true);

  private static final int RANKS_PER_ATTEMPT = 16;

  private final int rank;
  private final boolean terminal;

  RunStatus(int rank, boolean terminal) {
    this.rank = rank;
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }

  public long sequence(int attempt) {
    return (long) attempt * RANKS_PER_ATTEMPT + rank;
  }
}
