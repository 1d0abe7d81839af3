package dev.taskmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  @Test
  void defaultsAreAFullRunOfFivePairs() {
    BenchOptions options = BenchOptions.parse(new String[] {"http"});
    assertThat(options.pairs()).isEqualTo(5);
    assertThat(options.seconds()).isEqualTo(10);
    assertThat(options.url()).isEmpty();
  }

  @Test
  void quickIsASmokeRun() {
    BenchOptions options = BenchOptions.parse(new String[] {"all", "--quick", "--rates", "100,200", "--url", "http://127.0.0.1:9"});
    assertThat(options.pairs()).isEqualTo(1);
    assertThat(options.runs()).isEqualTo(200);
    assertThat(options.rates()).isEqualTo(List.of(100.0, 200.0));
    assertThat(options.url()).contains("http://127.0.0.1:9");
  }

  @Test
  void badInputIsRejectedWithTheReason() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"htp"})).hasMessageContaining("unknown scenario 'htp'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"http", "--pairs", "0"})).hasMessageContaining("--pairs must be at least 1");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"http", "--pairs"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {})).hasMessageContaining("missing scenario");
  }
}
