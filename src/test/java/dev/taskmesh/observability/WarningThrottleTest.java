package dev.taskmesh.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WarningThrottleTest {

  @Test
  void letsTheFirstWarningThroughThenNoneWithinTheInterval() {
    WarningThrottle throttle = WarningThrottle.perMinute();
    assertThat(throttle.due()).isTrue();
    assertThat(throttle.due()).isFalse();
    assertThat(throttle.due()).isFalse();
  }

  @Test
  void letsOneThroughAgainOnceTheIntervalHasPassed() throws Exception {
    WarningThrottle throttle = new WarningThrottle(Duration.ofMillis(20));
    assertThat(throttle.due()).isTrue();
    Thread.sleep(50);
    assertThat(throttle.due()).isTrue();
  }
}
