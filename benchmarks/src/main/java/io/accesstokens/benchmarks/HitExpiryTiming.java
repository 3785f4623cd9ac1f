package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.TokenValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

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
    TokenValidator off = InterleavedHits.filled(without, b -> {});
    TokenValidator on = InterleavedHits.filled(with, b -> {});
    InterleavedHits hits = InterleavedHits.run(off, without, on, with, rounds);
    double[] ratios = hits.ratios();
    Measured measured =
        new Measured(
            keys,
            rounds,
            RetainedHeap.median(hits.offNs),
            RetainedHeap.median(hits.onNs),
            RetainedHeap.median(ratios),
            InterleavedHits.p25(ratios),
            InterleavedHits.p75(ratios),
            0); // InterleavedHits.run fails the run on any store call
    System.out.println(measured);
    off.close();
    on.close();
    Files.writeString(out, Json.write(measured));
  }
}
