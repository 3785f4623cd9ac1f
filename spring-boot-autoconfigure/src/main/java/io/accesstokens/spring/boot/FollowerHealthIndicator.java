package io.accesstokens.spring.boot;

import io.accesstokens.ChangeFollower;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Whether this node's change follower keeps its cache trusted. UP while the lease is trusted. When
 * it is not and catch-ups fail (the change log cannot be read: the database is out of reach, and
 * misses fail closed), DOWN. When it is not but no catch-up failed (warming up after start, or a
 * stall), UNKNOWN: every validation asks the store, which still answers. Details: {@code trusted},
 * {@code lag} and {@code refusalBound} (ISO-8601 durations), {@code catchUps} and {@code failures}.
 */
public final class FollowerHealthIndicator extends AbstractHealthIndicator {
  private final ChangeFollower follower;
  private long failuresSeen;
  private long catchUpsSeen;

  /** An indicator for {@code follower}. */
  public FollowerHealthIndicator(ChangeFollower follower) {
    super("The access-tokens change follower could not be read");
    this.follower = follower;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    boolean trusted = follower.isTrusted();
    ChangeFollower.Stats stats = follower.stats();
    boolean failing;
    synchronized (this) {
      long newFailures = stats.failures() - failuresSeen;
      long newCatchUps = stats.catchUps() - catchUpsSeen;
      // Failing: failures since the last check and no successful catch-up among them, or, at the
      // first check, any failure at all.
      failing = newFailures > 0 && newFailures >= newCatchUps;
      failuresSeen = stats.failures();
      catchUpsSeen = stats.catchUps();
    }
    if (trusted) {
      builder.up();
    } else if (failing) {
      builder.down();
    } else {
      builder.unknown();
    }
    builder
        .withDetail("trusted", trusted)
        .withDetail("lag", follower.lag().toString())
        .withDetail("refusalBound", follower.refusalBound().toString())
        .withDetail("catchUps", stats.catchUps())
        .withDetail("failures", stats.failures());
  }
}
