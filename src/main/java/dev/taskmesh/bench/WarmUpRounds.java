package dev.taskmesh.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * When a warm-up may stop, for every scenario that warms a system up in rounds. A freshly started
 * system spends its first minutes in the JIT: the C2 compiler alone takes a quarter to half of a
 * core, which on a 2-core machine hides what the scenarios measure (a lone {@code bench http} with
 * five seconds of warm-up per endpoint quoted {@code GET /api/runs/{id}} at 0.15–0.19× hello, 0.52×
 * after twenty). Warm means: when the harness started the system, its compiler threads used under
 * {@value #QUIET_COMPILER_SHARE} of a core during the last round; otherwise (a system given by
 * {@code --url}), every rate of the round agrees with the previous round's within 5%.
 */
final class WarmUpRounds {

  static final double QUIET_COMPILER_SHARE = 0.10;
  private static final double AGREEING = 0.05;

  private final Supplier<OptionalDouble> compilerCpuSeconds;
  private final Map<String, Double> previous = new HashMap<>();
  private OptionalDouble compilerAtStart = OptionalDouble.empty();
  private long startedNanos;

  WarmUpRounds(SystemUnderTest sut) {
    this(sut::compilerCpuSeconds);
  }

  private WarmUpRounds(Supplier<OptionalDouble> compilerCpuSeconds) {
    this.compilerCpuSeconds = compilerCpuSeconds;
  }

  /** For a process whose compiler the harness cannot see (the hello server): warm when the rates agree. */
  static WarmUpRounds byRatesAlone() {
    return new WarmUpRounds(OptionalDouble::empty);
  }

  /** The outcome of a round and a line for the progress display. */
  record Round(boolean warm, String description) {}

  void roundStarts() {
    compilerAtStart = compilerCpuSeconds.get();
    startedNanos = System.nanoTime();
  }

  /** The rates the round measured, by what they measure (a phase seen again in a later round is compared with this one). */
  Round roundEnds(Map<String, Double> rates) {
    double seconds = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    OptionalDouble compilerNow = compilerCpuSeconds.get();
    StringBuilder description = new StringBuilder();
    rates.forEach((what, rate) -> description.append(description.length() == 0 ? "" : ", ").append(String.format("%s %.1f/s", what, rate)));
    boolean warm;
    if (compilerAtStart.isPresent() && compilerNow.isPresent()) {
      double share = (compilerNow.getAsDouble() - compilerAtStart.getAsDouble()) / seconds;
      description.append(String.format(", JIT compiler %.0f%% of a core", share * 100));
      warm = share < QUIET_COMPILER_SHARE;
    } else {
      warm = rates.entrySet().stream().allMatch(rate -> {
        Double before = previous.get(rate.getKey());
        return before != null && before > 0 && Math.abs(rate.getValue() - before) <= AGREEING * before;
      });
    }
    previous.putAll(rates);
    return new Round(warm, description.toString());
  }
}
