package io.accesstokens.benchmarks;

import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Two validators' cached hits timed in alternating rounds in one JVM, so that a loaded machine
 * slows both alike: the harness of {@link HitExpiryTiming} and {@link LastUsedTiming}. Each round
 * validates every token of one population once and then of the other (the order alternating), each
 * value a fresh {@code String} from bytes; a store call during the timed rounds fails the run.
 */
final class InterleavedHits {
  /** Untimed passes over both populations before the rounds. */
  private static final int WARM_UP_PASSES = 20;

  /** Nanoseconds per hit of the first ("off") and the second ("on") validator, by round. */
  final double[] offNs;

  final double[] onNs;

  private InterleavedHits(int rounds) {
    offNs = new double[rounds];
    onNs = new double[rounds];
  }

  /**
   * A validator over the population with a {@link FollowerLease} (the quoted configuration) and an
   * hour's hard expiry, so that the run's minutes never turn a hit into a miss, every token cached.
   */
  static TokenValidator filled(Population population, Consumer<TokenValidator.Builder> settings) {
    FollowerLease lease = new FollowerLease();
    lease.renewUntil(System.nanoTime() + Duration.ofHours(2).toNanos());
    TokenValidator.Builder builder =
        TokenValidator.builder(population.service)
            .freshnessLease(lease)
            .expireAfter(Duration.ofHours(1));
    settings.accept(builder);
    TokenValidator validator = builder.build();
    for (String value : population.values) {
      validator.validate(value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
    }
    AbstractValidatorBenchmark.check(
        validator.cachedAnswers() == population.keys, "every token must be cached");
    return validator;
  }

  /** Warms both up, then times {@code rounds} alternating rounds; fails on any store call. */
  static InterleavedHits run(
      TokenValidator off,
      Population offTokens,
      TokenValidator on,
      Population onTokens,
      int rounds) {
    for (int i = 0; i < WARM_UP_PASSES; i++) {
      pass(off, offTokens);
      pass(on, onTokens);
    }
    long calls = offTokens.store.calls() + onTokens.store.calls();
    InterleavedHits hits = new InterleavedHits(rounds);
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        hits.offNs[r] = pass(off, offTokens);
        hits.onNs[r] = pass(on, onTokens);
      } else {
        hits.onNs[r] = pass(on, onTokens);
        hits.offNs[r] = pass(off, offTokens);
      }
    }
    AbstractValidatorBenchmark.check(
        offTokens.store.calls() + onTokens.store.calls() == calls, "a hit must not call the store");
    return hits;
  }

  /** Each round's "on" over "off". */
  double[] ratios() {
    double[] ratios = new double[offNs.length];
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = onNs[r] / offNs[r];
    }
    return ratios;
  }

  /** Each round's "on" minus "off", in nanoseconds. */
  double[] differences() {
    double[] differences = new double[offNs.length];
    for (int r = 0; r < differences.length; r++) {
      differences[r] = onNs[r] - offNs[r];
    }
    return differences;
  }

  /** The lower quartile (by rank, as the committed figures were computed). */
  static double p25(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 4];
  }

  /** The upper quartile (by rank). */
  static double p75(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(3 * (sorted.length - 1)) / 4];
  }

  /** Validates every token of the population once, in its visiting order: ns per validation. */
  private static double pass(TokenValidator validator, Population population) {
    int sink = 0;
    long start = System.nanoTime();
    for (byte[] visit : population.visits) {
      ValidatedToken token =
          validator.validate(
              new String(visit, StandardCharsets.US_ASCII),
              Scope.EDI,
              Population.ORGANIZATION,
              Population.ENVIRONMENT);
      sink += System.identityHashCode(token);
    }
    long took = System.nanoTime() - start;
    if (sink == 42) { // keeps the results alive; practically never true
      System.out.print("");
    }
    return (double) took / population.visits.length;
  }
}
