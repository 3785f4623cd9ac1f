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
import java.util.Arrays;

/**
 * The cached hit with last-used recording off and on, interleaved in one JVM so that a loaded
 * machine slows both alike (as {@link HitExpiryTiming} does for expiry; {@link
 * LastUsedHitBenchmark} runs them as trials seconds apart, which a shared machine's load makes
 * incomparable). Two populations of {@code keys} tokens, each cached in a validator with a {@link
 * FollowerLease}, one of them recording last use; then rounds, each validating every token of one
 * population once and then of the other (the order alternating). Filling the cache recorded every
 * token's use, and the run takes well under the 10-minute interval, so no timed hit records again.
 * Reported: the median nanoseconds per hit of each, and the median and quartiles of each round's
 * difference (on minus off, ns) and ratio; a store call during the timed rounds fails the run. With
 * a fourth argument {@code off}, neither validator records: the control, whose difference is the
 * populations' own.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.LastUsedTiming \
 *   last-used-timing.json 100000 100 [off]
 * </pre>
 */
public final class LastUsedTiming {
  private LastUsedTiming() {}

  /** The figures, in nanoseconds per validation. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      int keys,
      int rounds,
      double offNs,
      double onNs,
      double differenceMedianNs,
      double differenceP25Ns,
      double differenceP75Ns,
      double ratioMedian,
      double ratioP25,
      double ratioP75,
      long storeCallsDuringRounds) {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int keys = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    // "off" as a fourth argument: the second validator records nothing either (an A/A control,
    // which shows what the two populations' own difference is).
    boolean secondRecords = args.length < 4 || !args[3].equals("off");
    Population offTokens = new Population();
    offTokens.create(keys);
    Population onTokens = new Population();
    onTokens.create(keys);
    TokenValidator off = filled(offTokens, false);
    TokenValidator on = filled(onTokens, secondRecords);
    for (int i = 0; i < 20; i++) { // warm-up, untimed
      pass(off, offTokens);
      pass(on, onTokens);
    }
    long calls = offTokens.store.calls() + onTokens.store.calls();
    double[] offNs = new double[rounds];
    double[] onNs = new double[rounds];
    double[] differences = new double[rounds];
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        offNs[r] = pass(off, offTokens);
        onNs[r] = pass(on, onTokens);
      } else {
        onNs[r] = pass(on, onTokens);
        offNs[r] = pass(off, offTokens);
      }
      differences[r] = onNs[r] - offNs[r];
      ratios[r] = onNs[r] / offNs[r];
    }
    long storeCalls = offTokens.store.calls() + onTokens.store.calls() - calls;
    AbstractValidatorBenchmark.check(storeCalls == 0, "a hit must not call the store");
    double[] d = differences.clone();
    Arrays.sort(d);
    double[] q = ratios.clone();
    Arrays.sort(q);
    Measured measured =
        new Measured(
            keys,
            rounds,
            RetainedHeap.median(offNs),
            RetainedHeap.median(onNs),
            RetainedHeap.median(differences),
            d[(rounds - 1) / 4],
            d[(3 * (rounds - 1)) / 4],
            RetainedHeap.median(ratios),
            q[(rounds - 1) / 4],
            q[(3 * (rounds - 1)) / 4],
            storeCalls);
    System.out.println(measured);
    off.close();
    on.close();
    Files.writeString(out, Json.write(measured));
  }

  private static TokenValidator filled(Population population, boolean recordLastUsed) {
    FollowerLease lease = new FollowerLease();
    lease.renewUntil(System.nanoTime() + Duration.ofHours(2).toNanos());
    TokenValidator validator =
        TokenValidator.builder(population.service)
            .freshnessLease(lease)
            .expireAfter(Duration.ofHours(1))
            .recordLastUsed(recordLastUsed)
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
