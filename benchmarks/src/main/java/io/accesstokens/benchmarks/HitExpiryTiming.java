package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatedToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The cached hit with tokens that have an expiry against tokens without, interleaved in one JVM so
 * that a loaded machine slows both alike ({@link ValidatorHitBenchmark} with {@code -p
 * expiry=off,on} runs them as two trials, seconds apart, which a shared machine's load makes
 * incomparable). Two populations of {@code keys} tokens, one given an expiry a year ahead, each
 * cached in a validator with a {@link FollowerLease} (the quoted configuration); then rounds, each
 * validating every token of one population once and then of the other (the order alternating), each
 * value a fresh {@code String} from bytes. Reported: the median nanoseconds per hit of each, and
 * the median and quartiles of each round's ratio (with expiry over without). The hard expiry is an
 * hour, so that the run's minutes never turn a hit into a miss (the hit code is the same at any
 * expiry); a store call during the timed rounds fails the run.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.HitExpiryTiming \
 *   hit-expiry-timing.json 100000 100
 * </pre>
 */
public final class HitExpiryTiming {
  private HitExpiryTiming() {}

  /** The figures, in nanoseconds per validation. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      int keys,
      int rounds,
      double withoutExpiryNs,
      double withExpiryNs,
      double ratioMedian,
      double ratioP25,
      double ratioP75,
      long storeCallsDuringRounds) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int keys = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Population without = new Population();
    without.create(keys);
    Population with = new Population();
    with.create(keys);
    ValidatorHitBenchmark.giveEveryTokenAnExpiry(with, Instant.now().plus(Duration.ofDays(365)));
    TokenValidator off = filled(without);
    TokenValidator on = filled(with);
    for (int i = 0; i < 20; i++) { // warm-up, untimed
      pass(off, without);
      pass(on, with);
    }
    long calls = without.store.calls() + with.store.calls();
    double[] offNs = new double[rounds];
    double[] onNs = new double[rounds];
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        offNs[r] = pass(off, without);
        onNs[r] = pass(on, with);
      } else {
        onNs[r] = pass(on, with);
        offNs[r] = pass(off, without);
      }
      ratios[r] = onNs[r] / offNs[r];
    }
    long storeCalls = without.store.calls() + with.store.calls() - calls;
    AbstractValidatorBenchmark.check(storeCalls == 0, "a hit must not call the store");
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    Measured measured =
        new Measured(
            keys,
            rounds,
            RetainedHeap.median(offNs),
            RetainedHeap.median(onNs),
            RetainedHeap.median(ratios),
            sorted[(rounds - 1) / 4],
            sorted[(3 * (rounds - 1)) / 4],
            storeCalls);
    System.out.println(measured);
    off.close();
    on.close();
    Files.writeString(out, Json.write(measured));
  }

  private static TokenValidator filled(Population population) {
    FollowerLease lease = new FollowerLease();
    lease.renewUntil(System.nanoTime() + Duration.ofHours(2).toNanos());
    TokenValidator validator =
        TokenValidator.builder(population.service)
            .freshnessLease(lease)
            .expireAfter(Duration.ofHours(1))
            .build();
    for (String value : population.values) {
      validator.validate(value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
    }
    AbstractValidatorBenchmark.check(
        validator.cachedAnswers() == population.keys, "every token must be cached");
    return validator;
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
