package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmUpRoundsTest {

  /** A system given by URL: no compiler threads to read, so rounds must agree. */
  private final WarmUpRounds rounds = new WarmUpRounds(SystemUnderTest.attach("http://127.0.0.1:1", null));

  private WarmUpRounds.Round round(Map<String, Double> rates) {
    rounds.roundStarts();
    return rounds.roundEnds(rates);
  }

  @Test
  void aSystemGivenByUrlIsWarmWhenEveryRateAgreesWithTheLastRoundWithinFivePercent() {
    assertThat(round(Map.of("GET", 1_000.0, "POST", 200.0)).warm()).as("a first round has nothing to agree with").isFalse();
    assertThat(round(Map.of("GET", 1_300.0, "POST", 204.0)).warm()).as("GET still climbing").isFalse();
    WarmUpRounds.Round settled = round(Map.of("GET", 1_340.0, "POST", 199.0));
    assertThat(settled.warm()).isTrue();
    assertThat(settled.description()).contains("GET 1340.0/s").contains("POST 199.0/s");
  }

  @Test
  void eachKindOfRoundIsComparedWithItsOwnKind() {
    assertThat(round(Map.of("runs", 500.0)).warm()).isFalse();
    assertThat(round(Map.of("batched runs", 4_000.0)).warm()).as("no batched round before").isFalse();
    assertThat(round(Map.of("runs", 510.0)).warm()).isTrue();
    assertThat(round(Map.of("batched runs", 3_000.0)).warm()).isFalse();
  }

  @Test
  void aProcessJudgedByRatesAloneIsWarmWhenTwoRoundsAgree() {
    WarmUpRounds hello = WarmUpRounds.byRatesAlone();
    hello.roundStarts();
    assertThat(hello.roundEnds(Map.of("hello", 4_000.0)).warm()).isFalse();
    hello.roundStarts();
    assertThat(hello.roundEnds(Map.of("hello", 58_700.0)).warm()).as("still climbing").isFalse();
    hello.roundStarts();
    assertThat(hello.roundEnds(Map.of("hello", 60_000.0)).warm()).isTrue();
  }
}
