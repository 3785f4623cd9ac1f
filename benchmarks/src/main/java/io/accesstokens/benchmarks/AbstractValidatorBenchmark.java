package io.accesstokens.benchmarks;

import io.accesstokens.FreshnessLease;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import org.openjdk.jmh.annotations.Param;

/**
 * A {@link TokenValidator} with the default settings (hard expiry of 60 seconds, checked on every
 * hit) on the population's service, every token of the population cached before the timed code
 * runs: each one validated once, which is exactly one miss and one store lookup per token.
 *
 * <p>{@link #lease} picks the {@link FreshnessLease}: {@code follower} (the default, and the figure
 * quoted) is a {@link FollowerLease}, a volatile deadline compared on every hit as a multi-node
 * follower would; {@code always} is {@link FreshnessLease#always()}, the single-node lease. Each
 * fork runs well under the 60-second expiry, so a measured hit never turns into a miss; the store
 * calls each iteration made are reported alongside the time to prove it.
 */
public abstract class AbstractValidatorBenchmark extends AbstractLookupBenchmark {
  @Param({"follower", "always"})
  public String lease;

  TokenValidator validator;

  @Override
  @Initializer
  protected void prepare(Population population) {
    FreshnessLease chosen;
    if (lease.equals("follower")) {
      FollowerLease follower = new FollowerLease();
      follower.renewUntil(System.nanoTime() + 3_600_000_000_000L);
      chosen = follower;
    } else if (lease.equals("always")) {
      chosen = FreshnessLease.always();
    } else {
      throw new IllegalArgumentException("lease must be follower or always, but was " + lease);
    }
    validator =
        configure(TokenValidator.builder(population.service).freshnessLease(chosen)).build();
    long storeCalls = population.store.calls();
    for (String value : population.values) {
      validator.validate(value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
    }
    ValidatorStats stats = validator.stats();
    check(
        stats.misses() == population.keys
            && stats.storeLookups() == population.keys
            && population.store.calls() - storeCalls == population.keys,
        "filling the cache must take exactly one miss and one store call per token, but took "
            + stats);
    prepareVisits(population);
  }

  /** Settings beyond the defaults; none unless a subclass says why. */
  protected TokenValidator.Builder configure(TokenValidator.Builder builder) {
    return builder;
  }

  /** Replaces {@link #visits} when the benchmark presents something else than the valid tokens. */
  protected void prepareVisits(Population population) {}

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
