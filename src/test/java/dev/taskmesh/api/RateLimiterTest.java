package dev.taskmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RateLimiter limiter = new RateLimiter(3, now::get);

  @Test
  void allowsTheLimitPerKeyThenSaysHowLongToWait() {
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isZero();
    now.addAndGet(15_000);
    assertThat(limiter.acquire("a")).isEqualTo(45);
    assertThat(limiter.acquire("b")).isZero();
  }

  @Test
  void aNewWindowStartsAfterAMinute() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    now.addAndGet(60_000);
    assertThat(limiter.acquire("a")).isZero();
  }

  @Test
  void releasedAttemptsDoNotCount() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.acquire("a")).isZero();
      limiter.release("a");
    }
  }

  @Test
  void zeroMeansOff() {
    RateLimiter off = new RateLimiter(0, now::get);
    assertThat(off.enabled()).isFalse();
    for (int i = 0; i < 100; i++) {
      assertThat(off.acquire("a")).isZero();
    }
  }
}
