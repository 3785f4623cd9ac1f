package io.accesstokens.spi;

import io.accesstokens.OrganizationId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The host's answer to "how long may a token of this organization live at most?" A create or
 * rotation asking for a longer lifetime, or for none (never expires), is refused with an error
 * naming the maximum. Tokens created before a maximum applied are left as they are (never silently
 * expired) and counted by {@link io.accesstokens.TokenService#countBeyondMaximumLifetime}.
 *
 * <p>Called on every create and rotation, so it should answer from memory.
 */
@FunctionalInterface
public interface LifetimePolicy {
  /** The organization's maximum lifetime, or empty when its tokens may live forever. */
  Optional<Duration> maximumLifetime(OrganizationId organization);

  /** No maximum for any organization: the default, as before expiry existed. */
  static LifetimePolicy unlimited() {
    return organization -> Optional.empty();
  }

  /**
   * The same maximum for every organization (for example {@code Duration.ofDays(365)}).
   *
   * @throws IllegalArgumentException if {@code maximum} is not positive
   * @throws NullPointerException if it is null
   */
  static LifetimePolicy atMost(Duration maximum) {
    Objects.requireNonNull(maximum, "maximum lifetime must not be null");
    SpiChecks.argument(
        !maximum.isNegative() && !maximum.isZero(),
        "maximum lifetime must be positive, but was " + maximum);
    Optional<Duration> answer = Optional.of(maximum);
    return organization -> answer;
  }
}
