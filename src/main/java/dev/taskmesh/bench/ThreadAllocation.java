package dev.taskmesh.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Which threads allocate a run's bytes, from a JFR recording of {@code jdk.ThreadAllocationStatistics}
 * (the JVM's exact per-thread counters, not samples). Threads are grouped by name with their
 * numbers taken out, so the store server's workers, the event loops and the broker's handlers each
 * make one line. {@code bench/allocation.sh} records and prints it; run by hand:
 *
 * <pre>
 * java -cp target/taskmesh.jar dev.taskmesh.bench.ThreadAllocation recording.jfr FROM_EPOCH_MS TO_EPOCH_MS RUNS
 * </pre>
 */
public final class ThreadAllocation {

  private static final String EVENT = "jdk.ThreadAllocationStatistics";
  private static final Pattern TRAILING_NUMBER = Pattern.compile("[-_ #]*\\d+$");
  private static final Pattern SEPARATED_NUMBER = Pattern.compile("(?<=[-_ #])\\d+");

  /** One reading of one thread's allocation counter. */
  public record Sample(long threadId, String threadName, Instant time, long allocatedBytes) {}

  /** Bytes a group of threads allocated in the window, and per run. */
  public record GroupShare(String group, long bytes, double kilobytesPerRun, double share) {}

  private ThreadAllocation() {}

  /** A thread's name without its trailing number, and with numbers after a separator shown as N. */
  public static String group(String threadName) {
    String unnumbered = TRAILING_NUMBER.matcher(threadName == null ? "?" : threadName).replaceAll("");
    return SEPARATED_NUMBER.matcher(unnumbered).replaceAll("N");
  }

  /**
   * Each thread's allocation between {@code from} and {@code to}: its last reading at or before
   * {@code to}, less its last reading before {@code from} (0 for a thread that started inside the
   * window), summed per group, largest first.
   */
  public static List<GroupShare> summarize(List<Sample> samples, Instant from, Instant to, long runs) {
    if (runs <= 0) {
      throw new IllegalArgumentException("runs must be positive, was " + runs);
    }
    Map<Long, Sample> before = new HashMap<>();
    Map<Long, Sample> last = new HashMap<>();
    for (Sample sample : samples) {
      if (sample.time().isBefore(from)) {
        before.merge(sample.threadId(), sample, ThreadAllocation::later);
      } else if (!sample.time().isAfter(to)) {
        last.merge(sample.threadId(), sample, ThreadAllocation::later);
      }
    }
    Map<String, Long> bytesByGroup = new HashMap<>();
    long total = 0;
    for (Sample end : last.values()) {
      Sample start = before.get(end.threadId());
      long bytes = Math.max(0, end.allocatedBytes() - (start == null ? 0 : start.allocatedBytes()));
      bytesByGroup.merge(group(end.threadName()), bytes, Long::sum);
      total += bytes;
    }
    List<GroupShare> shares = new ArrayList<>();
    for (Map.Entry<String, Long> entry : bytesByGroup.entrySet()) {
      long bytes = entry.getValue();
      shares.add(new GroupShare(entry.getKey(), bytes, bytes / 1024.0 / runs, total == 0 ? 0 : (double) bytes / total));
    }
    shares.sort(Comparator.comparingLong(GroupShare::bytes).reversed().thenComparing(GroupShare::group));
    return shares;
  }

  private static Sample later(Sample a, Sample b) {
    return b.time().isBefore(a.time()) ? a : b;
  }

  /** The readings in a JFR file. */
  public static List<Sample> read(Path recording) throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!EVENT.equals(event.getEventType().getName())) {
        continue;
      }
      RecordedThread thread = event.getThread("thread");
      if (thread != null) {
        samples.add(new Sample(thread.getJavaThreadId(), thread.getJavaName(), event.getStartTime(), event.getLong("allocated")));
      }
    }
    return samples;
  }

  /** The table {@code main} prints: groups under 0.5% of the bytes are summed into one line. */
  public static String table(List<GroupShare> shares, long runs) {
    StringBuilder out = new StringBuilder();
    double totalKb = shares.stream().mapToDouble(GroupShare::kilobytesPerRun).sum();
    out.append(String.format(Locale.ROOT, "allocated per run by thread group (%d runs): %.1f KB in all%n", runs, totalKb));
    double restKb = 0;
    double restShare = 0;
    for (GroupShare share : shares) {
      if (share.share() < 0.005) {
        restKb += share.kilobytesPerRun();
        restShare += share.share();
      } else {
        out.append(String.format(Locale.ROOT, "  %7.1f KB  %5.1f%%  %s%n", share.kilobytesPerRun(), 100 * share.share(), share.group()));
      }
    }
    if (restKb > 0) {
      out.append(String.format(Locale.ROOT, "  %7.1f KB  %5.1f%%  (other threads)%n", restKb, 100 * restShare));
    }
    return out.toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: ThreadAllocation RECORDING.jfr FROM_EPOCH_MS TO_EPOCH_MS RUNS");
      System.exit(2);
    }
    long runs = Long.parseLong(args[3]);
    List<GroupShare> shares = summarize(read(Path.of(args[0])), Instant.ofEpochMilli(Long.parseLong(args[1])),
        Instant.ofEpochMilli(Long.parseLong(args[2])), runs);
    System.out.print(table(shares, runs));
  }
}
