package io.accesstokens.micrometer;

import io.accesstokens.RefusalCause;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A validator's counters as Micrometer meters. Every meter reads {@link TokenValidator#stats()} (or
 * {@link TokenValidator#cachedAnswers()}) when the registry is scraped; nothing is added to the
 * validator's hot path.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>What it counts</th></tr>
 *   <tr><td>{@value #HITS}</td><td>counter</td><td></td><td>validations answered from the
 *       cache</td></tr>
 *   <tr><td>{@value #MISSES}</td><td>counter</td><td></td><td>validations that had to ask the
 *       store</td></tr>
 *   <tr><td>{@value #NEGATIVE_HITS}</td><td>counter</td><td></td><td>refusals answered from the
 *       cache of unknown values</td></tr>
 *   <tr><td>{@value #STORE_LOOKUPS}</td><td>counter</td><td></td><td>calls to the store</td></tr>
 *   <tr><td>{@value #LOADS}</td><td>counter</td><td></td><td>answers read from the store and
 *       cached</td></tr>
 *   <tr><td>{@value #REFUSALS}</td><td>counter</td><td>{@code cause} (the {@link RefusalCause}, in
 *       lower case)</td><td>refusals with {@code INVALID_TOKEN}</td></tr>
 *   <tr><td>{@value #FAIL_CLOSED}</td><td>counter</td><td></td><td>refusals with {@code
 *       STORE_UNAVAILABLE}</td></tr>
 *   <tr><td>{@value #CACHE_SIZE}</td><td>gauge</td><td></td><td>answers cached now
 *       (approximate)</td></tr>
 *   <tr><td>{@value #EVICTIONS}</td><td>counter</td><td>{@code cause=size}</td><td>answers evicted
 *       because the cache was full</td></tr>
 *   <tr><td>{@value #LOOKUP_LATENCY}</td><td>function timer</td><td></td><td>lookups that ran
 *       against the store (answered or failed) and their total time, by the validator's ticker;
 *       the wait for a lookup slot is not in it</td></tr>
 *   <tr><td>{@value #LAST_USED_PENDING}</td><td>gauge</td><td></td><td>tokens whose recorded use
 *       waits for the next last-used flush ({@link TokenValidator#pendingLastUses()}; 0 when the
 *       validator records no uses)</td></tr>
 *   <tr><td>{@value #LAST_USED_DROPPED}</td><td>counter</td><td></td><td>uses dropped because as
 *       many tokens' uses as the cache holds already waited for a flush: the store was down for
 *       long ({@link TokenValidator#droppedLastUses()})</td></tr>
 * </table>
 *
 * <pre>{@code
 * new TokenValidatorMetrics(validator).bindTo(registry);
 * }</pre>
 *
 * <p>The meters hold the validator weakly, as Micrometer's function meters do: once the validator
 * is gone they report {@code NaN}.
 */
public final class TokenValidatorMetrics implements MeterBinder {
  /** Validations answered from the cache. */
  public static final String HITS = "access_tokens.validator.cache.hits";

  /** Validations that had to ask the store, or join a lookup already asking. */
  public static final String MISSES = "access_tokens.validator.cache.misses";

  /** Refusals answered from the cache of unknown values. */
  public static final String NEGATIVE_HITS = "access_tokens.validator.cache.negative.hits";

  /** Calls made to the store. */
  public static final String STORE_LOOKUPS = "access_tokens.validator.store.lookups";

  /** Answers read from the store and cached. */
  public static final String LOADS = "access_tokens.validator.cache.loads";

  /** Refusals with {@code INVALID_TOKEN}, tagged by cause. */
  public static final String REFUSALS = "access_tokens.validator.refusals";

  /** Refusals with {@code STORE_UNAVAILABLE}: the store did not answer in time. */
  public static final String FAIL_CLOSED = "access_tokens.validator.fail.closed";

  /**
   * Of those, misses refused at once because the lane for values presented with a known id's other
   * value was full (guesses at a known id).
   */
  public static final String CONTESTED_REFUSALS = "access_tokens.validator.contested.refusals";

  /** Answers cached now. */
  public static final String CACHE_SIZE = "access_tokens.validator.cache.size";

  /** Answers evicted, tagged by cause (only {@code size} for now). */
  public static final String EVICTIONS = "access_tokens.validator.cache.evictions";

  /** Lookups that ran against the store, and their time. */
  public static final String LOOKUP_LATENCY = "access_tokens.validator.store.lookup.latency";

  /**
   * Tokens whose recorded use waits for the next last-used flush. Rising from one interval to the
   * next means the flushes fail (the store is down) or do not run.
   */
  public static final String LAST_USED_PENDING = "access_tokens.validator.last_used.pending";

  /**
   * Uses dropped because as many tokens' uses as the cache holds already waited for a flush: their
   * Last used times are behind (never a validation failed).
   */
  public static final String LAST_USED_DROPPED = "access_tokens.validator.last_used.dropped";

  private final TokenValidator validator;
  private final Tags tags;

  /** Meters for {@code validator}, with no tags of their own. */
  public TokenValidatorMetrics(TokenValidator validator) {
    this(validator, Tags.empty());
  }

  /**
   * Meters for {@code validator}, each carrying {@code tags} too (for example which validator, when
   * a host runs several). A tag must not hold a token value or id.
   */
  public TokenValidatorMetrics(TokenValidator validator, Iterable<Tag> tags) {
    this.validator = Objects.requireNonNull(validator, "validator");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, HITS, "Validations answered from the cache", ValidatorStats::hits, tags);
    counter(
        registry,
        MISSES,
        "Validations that had to ask the store (or join a lookup already asking)",
        ValidatorStats::misses,
        tags);
    counter(
        registry,
        NEGATIVE_HITS,
        "Refusals answered from the cache of unknown values",
        ValidatorStats::negativeHits,
        tags);
    counter(registry, STORE_LOOKUPS, "Calls made to the store", ValidatorStats::storeLookups, tags);
    counter(registry, LOADS, "Answers read from the store and cached", ValidatorStats::loads, tags);
    for (RefusalCause cause : RefusalCause.values()) {
      counter(
          registry,
          REFUSALS,
          "Refusals with INVALID_TOKEN, by cause",
          stats -> stats.refusals(cause),
          tags.and("cause", cause.name().toLowerCase(Locale.ROOT)));
    }
    counter(
        registry,
        FAIL_CLOSED,
        "Refusals with STORE_UNAVAILABLE: the store did not answer in time",
        ValidatorStats::failClosed,
        tags);
    counter(
        registry,
        CONTESTED_REFUSALS,
        "Of those, misses refused at once: the lane for guesses at a known token id was full",
        ValidatorStats::contestedRefusals,
        tags);
    counter(
        registry,
        EVICTIONS,
        "Cached answers evicted",
        ValidatorStats::sizeEvictions,
        tags.and("cause", "size"));
    FunctionTimer.builder(
            LOOKUP_LATENCY,
            validator,
            v -> v.stats().timedLookups(),
            v -> v.stats().lookupNanos(),
            TimeUnit.NANOSECONDS)
        .description("Lookups that ran against the store (answered or failed), and their time")
        .tags(tags)
        .register(registry);
    Gauge.builder(CACHE_SIZE, validator, v -> (double) v.cachedAnswers())
        .description("Answers cached now (approximate)")
        .baseUnit("answers")
        .tags(tags)
        .register(registry);
    // Read from the validator itself, not its stats: the last-used figures are not in them.
    Gauge.builder(LAST_USED_PENDING, validator, v -> (double) v.pendingLastUses())
        .description("Tokens whose recorded use waits for the next last-used flush")
        .baseUnit("tokens")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder(LAST_USED_DROPPED, validator, v -> (double) v.droppedLastUses())
        .description(
            "Uses dropped because as many tokens' uses as the cache holds already waited for a"
                + " flush")
        .tags(tags)
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String description,
      ToDoubleFunction<ValidatorStats> figure,
      Tags meterTags) {
    FunctionCounter.builder(name, validator, v -> figure.applyAsDouble(v.stats()))
        .description(description)
        .tags(meterTags)
        .register(registry);
  }
}
