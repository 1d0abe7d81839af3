package dev.taskmesh.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  private static final long YEAR_0000 = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  @Test
  void formatsAndParsesAsTheJdkDoes() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 200_000; i++) {
      long seconds = random.nextLong(YEAR_0000 - 86_400L * 400, YEAR_10000 + 86_400L * 400);
      int nanos = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = instant.toString();
      assertThat(IsoInstants.format(instant)).isEqualTo(text);
      assertThat(IsoInstants.parse(text)).isEqualTo(instant);
    }
  }

  @Test
  void edgesOfTheDirectPathMatchTheJdk() {
    for (String text : List.of("1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00.5Z", "2026-11-28T17:48:44.58Z", "2026-11-28T17:48:44.1234Z",
        "2000-02-29T00:00:00.0000000Z", "2026-11-28T17:48:44+01:00", "2026-11-28T10:15:30.00Z", "+10000-01-01T00:00:00Z",
        // the JDK's own leniencies, which the direct path leaves to it: end of day, a leap second, an empty fraction
        "2026-11-28T24:00:00Z", "2026-11-28T23:59:60Z", "2026-11-28T17:48:44.Z")) {
      assertThat(IsoInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void malformedTextsFailAsTheJdkFails() {
    for (String text : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-28T17:60:00Z",
        "2026-11-28 17:48:44Z", "2026-11-28T17:48:44.1234567890Z", "2026-1-28T17:48:44Z", "not a date",
        "2026-11-28T17:48:4xZ")) {
      assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> IsoInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
    }
  }
}
