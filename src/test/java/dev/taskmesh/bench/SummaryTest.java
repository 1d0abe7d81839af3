package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    Summary summary = Summary.of(List.of(5.0, 1.0, 3.0));
    assertThat(summary.median()).isEqualTo(3.0);
    assertThat(summary.min()).isEqualTo(1.0);
    assertThat(summary.max()).isEqualTo(5.0);
    assertThat(summary.n()).isEqualTo(3);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(Summary.of(List.of(4.0, 1.0, 3.0, 10.0)).median()).isEqualTo(3.5);
  }

  @Test
  void ratiosArePerPairThenSummarised() {
    // Pair-wise ratios 0.5, 0.25, 1.0: drift that moves both sides of a pair cancels out.
    Summary ratios = Summary.ratios(List.of(50.0, 50.0, 400.0), List.of(100.0, 200.0, 400.0));
    assertThat(ratios.median()).isCloseTo(0.5, within(1e-9));
    assertThat(ratios.min()).isCloseTo(0.25, within(1e-9));
    assertThat(ratios.max()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void mismatchedPairsAndEmptyInputAreRejected() {
    assertThatThrownBy(() -> Summary.ratios(List.of(1.0), List.of(1.0, 2.0))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Summary.of(List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void formatShowsMedianThenRange() {
    assertThat(Summary.of(List.of(1.0, 2.0, 3.0)).format("%.1f")).isEqualTo("2.0 (1.0–3.0)");
  }
}
