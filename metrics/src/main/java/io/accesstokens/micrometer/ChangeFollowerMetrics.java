package io.accesstokens.micrometer;

import io.accesstokens.ChangeFollower;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A change follower's state as Micrometer meters, read when the registry is scraped.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>What it shows</th></tr>
 *   <tr><td>{@value #LAG}</td><td>time gauge</td><td>how long ago the last complete catch-up began
 *       ({@link ChangeFollower#lag()}); at or above the refusal bound the cache is not
 *       trusted</td></tr>
 *   <tr><td>{@value #LEASE_TRUSTED}</td><td>gauge</td><td>1 while cached answers are trusted, 0 while
 *       every validation asks the store</td></tr>
 *   <tr><td>{@value #REFUSAL_BOUND}</td><td>time gauge</td><td>the refusal bound (the staleness
 *       bound)</td></tr>
 *   <tr><td>{@value #CATCH_UPS}</td><td>counter</td><td>catch-ups attempted</td></tr>
 *   <tr><td>{@value #FAILURES}</td><td>counter</td><td>catch-ups that failed</td></tr>
 *   <tr><td>{@value #APPLIED}</td><td>counter</td><td>changes read and evicted</td></tr>
 *   <tr><td>{@value #CACHE_CLEARS}</td><td>counter</td><td>times the whole cache was dropped</td></tr>
 * </table>
 */
public final class ChangeFollowerMetrics implements MeterBinder {
  /** How long ago the last complete catch-up began. */
  public static final String LAG = "access_tokens.follower.lag";

  /** 1 while the lease is trusted, else 0. */
  public static final String LEASE_TRUSTED = "access_tokens.follower.lease.trusted";

  /** The refusal bound. */
  public static final String REFUSAL_BOUND = "access_tokens.follower.refusal.bound";

  /** Catch-ups attempted. */
  public static final String CATCH_UPS = "access_tokens.follower.catch.ups";

  /** Catch-ups that failed. */
  public static final String FAILURES = "access_tokens.follower.catch.up.failures";

  /** Changes read and evicted. */
  public static final String APPLIED = "access_tokens.follower.changes.applied";

  /** Times the whole cache was dropped. */
  public static final String CACHE_CLEARS = "access_tokens.follower.cache.clears";

  private final ChangeFollower follower;
  private final Tags tags;

  /** Meters for {@code follower}. */
  public ChangeFollowerMetrics(ChangeFollower follower) {
    this(follower, Tags.empty());
  }

  /** Meters for {@code follower}, each carrying {@code tags} too. */
  public ChangeFollowerMetrics(ChangeFollower follower, Iterable<Tag> tags) {
    this.follower = Objects.requireNonNull(follower, "follower");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    TimeGauge.builder(LAG, follower, TimeUnit.NANOSECONDS, f -> (double) f.lag().toNanos())
        .description("How long ago the last complete catch-up began")
        .tags(tags)
        .register(registry);
    Gauge.builder(LEASE_TRUSTED, follower, f -> f.isTrusted() ? 1 : 0)
        .description("1 while cached answers are trusted, 0 while every validation asks the store")
        .tags(tags)
        .register(registry);
    TimeGauge.builder(
            REFUSAL_BOUND, follower, TimeUnit.NANOSECONDS, f -> (double) f.refusalBound().toNanos())
        .description("A change on any node is refused on this one within this time")
        .tags(tags)
        .register(registry);
    counter(registry, CATCH_UPS, "Catch-ups attempted", s -> s.catchUps());
    counter(registry, FAILURES, "Catch-ups that failed", s -> s.failures());
    counter(registry, APPLIED, "Changes read and evicted", s -> s.applied());
    counter(registry, CACHE_CLEARS, "Times the whole cache was dropped", s -> s.cacheClears());
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<ChangeFollower.Stats> figure) {
    FunctionCounter.builder(name, follower, f -> figure.applyAsDouble(f.stats()))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
