package io.accesstokens.benchmarks;

import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The validator's cached hit (as {@link ValidatorHitBenchmark}) with last-used recording off and
 * on, in the same run (issue 14). With {@code on}, the answer's one time stamp is the earlier of
 * its expiry and its token's next use's due time, so the hit compares what it does with {@code
 * off}; filling the cache recorded every token's use, and a fork runs well within the 10-minute
 * interval, so no measured hit records again: the figure is what every hit pays. The goal: {@code
 * on} within 15 ns of {@code off}. Results: {@code benchmarks/results/last-used/}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'LastUsedHitBenchmark' -p keys=100000 -p lease=follower
 * </pre>
 */
public class LastUsedHitBenchmark extends AbstractValidatorBenchmark {
  /** Whether the validator records last use ({@code on}) or not ({@code off}, the default). */
  @Param({"off", "on"})
  public String lastUsed;

  @Override
  protected TokenValidator.Builder configure(TokenValidator.Builder builder) {
    if (lastUsed.equals("on")) {
      return builder.recordLastUsed(true);
    }
    check(lastUsed.equals("off"), "lastUsed must be off or on, but was " + lastUsed);
    return builder;
  }

  /**
   * Writes the uses the fill recorded, as the host's flush would within the interval, and collects,
   * for both settings alike. Without it, {@code on} measured its 100,000 hits beside 100,000
   * pending uses that no flush had taken (objects allocated between the cached answers, so the
   * answers lie further apart in memory): 1,152 to 1,482 ns a fork against 996 to 1,082 with {@code
   * off}, at load 2 (3 December 2026). That is the cost of never flushing, not of the hit.
   */
  @Override
  protected void prepareVisits(Population population) {
    int flushed = validator.flushLastUsed();
    check(
        flushed == (lastUsed.equals("on") ? population.keys : 0),
        "the fill must have recorded one use per token with last used on, and none with it off, but"
            + " the flush wrote "
            + flushed);
    System.gc();
  }

  @Override
  protected void lookup(String presented, Blackhole blackhole) {
    blackhole.consume(
        validator.validate(presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }
}
