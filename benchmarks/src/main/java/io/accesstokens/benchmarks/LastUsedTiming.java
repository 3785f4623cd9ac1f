package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.TokenValidator;
import java.nio.file.Files;
import java.nio.file.Path;

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
    TokenValidator off = InterleavedHits.filled(offTokens, b -> b.recordLastUsed(false));
    TokenValidator on = InterleavedHits.filled(onTokens, b -> b.recordLastUsed(secondRecords));
    InterleavedHits hits = InterleavedHits.run(off, offTokens, on, onTokens, rounds);
    double[] differences = hits.differences();
    double[] ratios = hits.ratios();
    Measured measured =
        new Measured(
            keys,
            rounds,
            RetainedHeap.median(hits.offNs),
            RetainedHeap.median(hits.onNs),
            RetainedHeap.median(differences),
            InterleavedHits.p25(differences),
            InterleavedHits.p75(differences),
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
