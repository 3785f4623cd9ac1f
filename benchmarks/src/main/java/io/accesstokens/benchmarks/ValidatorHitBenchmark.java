package io.accesstokens.benchmarks;

import io.accesstokens.AccessToken;
import io.accesstokens.Scope;
import io.accesstokens.TokenEventType;
import io.accesstokens.TokenId;
import io.accesstokens.spi.Change;
import io.accesstokens.spi.StoredToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The validator's cached hit: a valid, active token of the connection's organization and
 * environment, cached, checked for well-formedness (prefix, characters, CRC32), looked up by its
 * id, its secret compared in constant time, its hard expiry and the freshness lease checked against
 * one ticker read, counted, and accepted. Compare with {@link FloorBenchmark} over the same
 * population.
 *
 * <p>{@link #expiry} {@code on} gives every token an expiry a year ahead before the cache is filled
 * (issue 14): the token's expiry is folded into the answer's trust stamp when the store is read, so
 * the hit runs the same code either way, and {@code on} must equal {@code off} within the noise of
 * the same run.
 *
 * <p>Run alone (1 thread at both sizes and leases, then 2 threads), with the allocation profiler:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ValidatorHitBenchmark' -p keys=100000,1000 -p lease=follower,always -p expiry=off,on -prof gc
 * java -jar benchmarks/target/benchmarks.jar 'ValidatorHitBenchmark' -p keys=100000 -p lease=follower -t 2
 * </pre>
 */
public class ValidatorHitBenchmark extends AbstractValidatorBenchmark {
  /** Whether the tokens have an expiry ({@code on}: a year ahead) or none ({@code off}). */
  @Param({"off", "on"})
  public String expiry;

  @Override
  @Initializer
  protected void prepare(Population population) {
    if (expiry.equals("on")) {
      giveEveryTokenAnExpiry(population, Instant.now().plus(Duration.ofDays(365)));
    } else if (!expiry.equals("off")) {
      throw new IllegalArgumentException("expiry must be off or on, but was " + expiry);
    }
    super.prepare(population);
  }

  /** Sets every stored token's expiry, as a host's store would hold tokens created with one. */
  static void giveEveryTokenAnExpiry(Population population, Instant at) {
    TokenId after = null;
    while (true) {
      List<StoredToken> rows = population.store.scan(after, 1000);
      for (StoredToken row : rows) {
        AccessToken token = row.token();
        AccessToken next = token.withExpiry(at, token.updatedAt());
        population.store.update(
            row.withToken(next),
            new Change(TokenEventType.DESCRIPTION_EDITED, Population.ACTOR, token.updatedAt()));
      }
      if (rows.size() < 1000) {
        return;
      }
      after = rows.get(rows.size() - 1).id();
    }
  }

  @Override
  protected void lookup(String presented, Blackhole blackhole) {
    blackhole.consume(
        validator.validate(presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }
}
