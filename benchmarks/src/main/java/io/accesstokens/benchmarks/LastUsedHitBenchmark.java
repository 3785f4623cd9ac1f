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

  @Override
  protected void lookup(String presented, Blackhole blackhole) {
    blackhole.consume(
        validator.validate(presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }
}
