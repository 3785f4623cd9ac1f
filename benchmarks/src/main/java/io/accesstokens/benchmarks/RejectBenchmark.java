package io.accesstokens.benchmarks;

import io.accesstokens.ConnectionOpenException;
import io.accesstokens.CopyPolicy;
import io.accesstokens.ErrorCode;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import io.accesstokens.memory.MemoryTokenStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Refusals, with the validator's cache full of the population's valid tokens (so an unknown value's
 * lookup searches a full cache):
 *
 * <ul>
 *   <li>{@code badChecksum}: a valid token with its last checksum digit changed. Refused by the
 *       well-formedness check, before any cache or store.
 *   <li>{@code wrongPrefix}: a valid token whose prefix reads {@code atx_}. Refused at the first
 *       test.
 *   <li>{@code unknownRepeat}: well-formed values no store knows (10,000 distinct, or the
 *       population size if smaller), each presented once in setup (one store lookup each) and then
 *       again and again: the negative cache answers. The negative cache's lifetime is set to 10
 *       minutes here so that none of them expires during the run (at the default 10 seconds the
 *       measurement would mix in a store lookup per value every 10 seconds); the lifetime does not
 *       change what a negative hit costs.
 * </ul>
 *
 * <p>Every refusal is caught, as a connector would, and the exception handed to the blackhole. The
 * store calls of each iteration are reported as {@code storeCalls} (they must be 0).
 *
 * <p>Run alone, with the allocation profiler:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'RejectBenchmark' -p keys=100000 -p lease=follower -prof gc
 * </pre>
 */
public class RejectBenchmark extends AbstractValidatorBenchmark {
  /** Most distinct unknown values presented: the default negative cache's size. */
  static final int DISTINCT_UNKNOWN = 10_000;

  @Param({"badChecksum", "wrongPrefix", "unknownRepeat"})
  public String kind;

  @Override
  protected TokenValidator.Builder configure(TokenValidator.Builder builder) {
    return builder.negativeExpireAfter(Duration.ofMinutes(10));
  }

  @Override
  protected void prepareVisits(Population population) {
    byte[][] presented = new byte[population.keys][];
    switch (kind) {
      case "badChecksum":
        for (int i = 0; i < presented.length; i++) {
          byte[] value = population.visits[i].clone();
          int last = value.length - 1; // the last checksum digit
          value[last] = (byte) (value[last] == '0' ? '1' : '0');
          presented[i] = value;
        }
        break;
      case "wrongPrefix":
        for (int i = 0; i < presented.length; i++) {
          byte[] value = population.visits[i].clone();
          value[2] = 'x';
          presented[i] = value;
        }
        break;
      case "unknownRepeat":
        presented = unknownRepeats(population);
        break;
      default:
        throw new IllegalArgumentException(
            "kind must be badChecksum, wrongPrefix or unknownRepeat, but was " + kind);
    }
    for (byte[] value : presented) {
      ConnectionOpenException refused = refusal(new String(value, StandardCharsets.US_ASCII));
      check(refused.getStackTrace().length == 0, "a refusal must not fill in a stack trace");
      check(refused.errorCode() == ErrorCode.INVALID_TOKEN, "refused with " + refused.errorCode());
    }
    visits = presented;
  }

  private byte[][] unknownRepeats(Population population) {
    int distinct = Math.min(population.keys, DISTINCT_UNKNOWN);
    // Real values, minted through the public API by a service on a store of its own, which the
    // validator's store has never seen.
    CountingTokenStore elsewhere = new CountingTokenStore(new MemoryTokenStore());
    TokenService minter = Population.newService(elsewhere, CopyPolicy.digestOnly());
    List<String> unknown = new ArrayList<>(distinct);
    for (int i = 0; i < distinct; i++) {
      unknown.add(
          minter
              .create(Population.ORGANIZATION, Population.ENVIRONMENT, null, Population.ACTOR)
              .value()
              .reveal());
    }
    long storeCalls = population.store.calls();
    ValidatorStats before = validator.stats();
    for (String value : unknown) {
      refusal(value);
    }
    ValidatorStats after = validator.stats();
    check(
        population.store.calls() - storeCalls == distinct
            && after.storeLookups() - before.storeLookups() == distinct,
        "a first sight of each unknown value must make exactly one store lookup");
    List<String> repeats = new ArrayList<>(population.keys);
    for (int i = 0; i < population.keys; i++) {
      repeats.add(unknown.get(i % distinct));
    }
    Collections.shuffle(repeats, new Random(Population.SEED));
    return Population.asBytes(repeats);
  }

  private ConnectionOpenException refusal(String presented) {
    try {
      validator.validate(presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
    } catch (ConnectionOpenException e) {
      return e;
    }
    throw new IllegalStateException("a " + kind + " value was accepted");
  }

  @Override
  protected void lookup(String presented, Blackhole blackhole) {
    try {
      blackhole.consume(
          validator.validate(
              presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
    } catch (ConnectionOpenException refused) {
      blackhole.consume(refused);
    }
  }
}
