package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * When a token being created should stop validating: {@linkplain #never() never} (the default, as
 * before expiry existed), {@linkplain #at(Instant) at an instant}, or {@linkplain #after(Duration)
 * a lifetime after its creation}. The organization's maximum lifetime ({@link
 * io.accesstokens.spi.LifetimePolicy}) is checked by {@link TokenService#create}.
 *
 * @param at the instant, or {@code null} when given as a lifetime or never
 * @param lifetime the lifetime, or {@code null} when given as an instant or never
 */
public record Expiry(@Nullable Instant at, @Nullable Duration lifetime) {
  private static final Expiry NEVER = new Expiry(null, null);

  /**
   * @throws IllegalArgumentException if both are given, or the lifetime is not positive
   */
  public Expiry {
    Checks.argument(
        at == null || lifetime == null, "an expiry is an instant or a lifetime, not both");
    Checks.argument(
        lifetime == null || (!lifetime.isNegative() && !lifetime.isZero()),
        "lifetime must be positive, but was " + lifetime);
  }

  /** The token never expires (unless the organization's maximum lifetime refuses that). */
  public static Expiry never() {
    return NEVER;
  }

  /**
   * The token stops validating at {@code instant} (kept to the microsecond, as every stored time).
   *
   * @throws NullPointerException if {@code instant} is null
   */
  public static Expiry at(Instant instant) {
    return new Expiry(Checks.notNull(instant, "expiry"), null);
  }

  /**
   * The token stops validating {@code lifetime} after it is created.
   *
   * @throws NullPointerException if {@code lifetime} is null
   * @throws IllegalArgumentException if it is not positive
   */
  public static Expiry after(Duration lifetime) {
    return new Expiry(null, Checks.notNull(lifetime, "lifetime"));
  }

  /** Whether this is {@link #never()}. */
  public boolean isNever() {
    return at == null && lifetime == null;
  }

  /** The instant for a token created at {@code createdAt}, or {@code null} for never. */
  @Nullable Instant resolve(Instant createdAt) {
    if (at != null) {
      return at.truncatedTo(ChronoUnit.MICROS);
    }
    if (lifetime != null) {
      try {
        return createdAt.plus(lifetime).truncatedTo(ChronoUnit.MICROS);
      } catch (java.time.DateTimeException | ArithmeticException e) {
        throw new IllegalArgumentException("lifetime is too long: " + lifetime, e);
      }
    }
    return null;
  }
}
