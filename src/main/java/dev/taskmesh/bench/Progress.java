package dev.taskmesh.bench;

/** One status line on stderr, rewritten in place, so a long run shows where it is. */
public final class Progress {

  private final String scenario;
  private final long started = System.nanoTime();

  public Progress(String scenario) {
    this.scenario = scenario;
  }

  public void show(String message) {
    long seconds = (System.nanoTime() - started) / 1_000_000_000L;
    System.err.printf("\r\033[K[%s %3ds] %s", scenario, seconds, message);
    System.err.flush();
  }

  public void done(String message) {
    show(message);
    System.err.println();
  }
}
