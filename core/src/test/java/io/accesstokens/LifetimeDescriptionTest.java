package io.accesstokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * How the service's messages name a maximum lifetime or an overlap: whole days as days (one day in
 * the singular), anything else, down to a nanosecond past a whole day, in ISO-8601.
 */
class LifetimeDescriptionTest {
  @Test
  void wholeDays_areDays_andOneDayIsSingular() {
    assertThat(TokenService.describe(Duration.ofDays(1))).isEqualTo("1 day");
    assertThat(TokenService.describe(Duration.ofDays(2))).isEqualTo("2 days");
    assertThat(TokenService.describe(Duration.ofDays(365))).isEqualTo("365 days");
    assertThat(TokenService.describe(Duration.ofHours(48))).isEqualTo("2 days");
  }

  @Test
  void anythingButWholeDays_isIso8601() {
    assertThat(TokenService.describe(Duration.ofHours(36))).isEqualTo("PT36H");
    assertThat(TokenService.describe(Duration.ofDays(1).plusSeconds(1))).isEqualTo("PT24H1S");
    assertThat(TokenService.describe(Duration.ofDays(1).plusNanos(1)))
        .isEqualTo("PT24H0.000000001S");
    assertThat(TokenService.describe(Duration.ofSeconds(90))).isEqualTo("PT1M30S");
  }
}
