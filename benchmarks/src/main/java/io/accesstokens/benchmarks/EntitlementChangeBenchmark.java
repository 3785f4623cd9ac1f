package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.DigestPolicy;
import io.accesstokens.LookupContext;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.spi.Entitlements;
import io.accesstokens.testing.FakeTicker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an entitlement change costs with the organization's tokens cached (issue 13): it must not
 * scan the cache, so its cost must not grow with the cached answers ({@code keys} = 1,000 against
 * 100,000, all of one organization: a ratio of about 1 means no scan).
 *
 * <ul>
 *   <li>{@link #serviceCall}: {@link TokenService#entitlementChanged} on the node whose validator
 *       holds the answers (the local eviction, then the change-log record in the memory store);
 *   <li>{@link #followerApplies}: the same call on one node, then another node's {@link
 *       ChangeFollower} reads the record and evicts that node's answers ({@code catchUp}, driven
 *       here), the whole path a remote change takes through the public API.
 * </ul>
 *
 * <p>The service's clock moves on an hour at each reading, so the memory store's change log (which
 * keeps records for the follower's 15-minute retention) prunes the previous record at each write
 * and stays one record long: a benchmark of millions of calls would otherwise measure a growing
 * log. Both sizes pay the same for that.
 *
 * <p>That the next validation after the change is a store lookup is counted, not timed: the trial's
 * setup calls {@link #countNextValidations}, which fails the run unless, after one change, each
 * cached token's next validation on each node is exactly one {@code findByDigest} call, and the one
 * after it a hit; {@link #main} writes those counts for a results directory:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'EntitlementChangeBenchmark' -p keys=1000,100000 -f 1 -wi 3 -i 5
 * java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.EntitlementChangeBenchmark \
 *   entitlement-change-counts.json 1000 100000
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EntitlementChangeBenchmark extends SuiteDefaults {
  Nodes nodes;

  @Setup(Level.Trial)
  public void fill(Population population) {
    nodes = new Nodes(population);
    Counts counts = nodes.countNextValidations();
    AbstractValidatorBenchmark.check(
        counts.holdsEveryAnswer() && counts.everyNextValidationLookedUpOnce(),
        "after an entitlement change each cached token must be looked up once, then hit: "
            + counts);
  }

  @TearDown(Level.Trial)
  public void close() {
    AbstractValidatorBenchmark.check(
        nodes.local.cachedAnswers() == nodes.keys && nodes.remote.cachedAnswers() == nodes.keys,
        "an entitlement change must leave the cache's entries where they are (no scan, no"
            + " removal)");
    nodes.close();
  }

  @Benchmark
  public void serviceCall() {
    nodes.service.entitlementChanged(Population.ORGANIZATION);
  }

  @Benchmark
  public boolean followerApplies() {
    nodes.service.entitlementChanged(Population.ORGANIZATION);
    return nodes.follower.catchUp();
  }

  public static void main(String[] args) throws Exception {
    List<Counts> all = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      Population population = new Population();
      population.create(Integer.parseInt(args[i]));
      Nodes nodes = new Nodes(population);
      Counts counts = nodes.countNextValidations();
      nodes.close();
      System.out.println(counts);
      all.add(counts);
    }
    Files.writeString(Path.of(args[0]), Json.write(all));
  }

  /**
   * What one entitlement change did to the next validations, per node. {@code controlLookups}: the
   * store's lookups of a pass over every token on both nodes before the change (0: all hits).
   * {@code *Lookups} are the store's {@code findByDigest} calls while every cached token was
   * validated once after the change ({@code First}) and once more ({@code Again}); {@code
   * cachedAfterChange} is the cache's size right after the change (the answers stay, made unusable
   * by their stamp).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Counts(
      int keys,
      long controlLookups,
      long localCachedAfterChange,
      long localLookupsFirst,
      long localMissesFirst,
      long localLookupsAgain,
      long localHitsAgain,
      long remoteCachedAfterChange,
      long remoteLookupsFirst,
      long remoteMissesFirst,
      long remoteLookupsAgain,
      long remoteHitsAgain) {
    boolean holdsEveryAnswer() {
      return localCachedAfterChange == keys && remoteCachedAfterChange == keys;
    }

    boolean everyNextValidationLookedUpOnce() {
      return controlLookups == 0
          && localLookupsFirst == keys
          && localMissesFirst == keys
          && localLookupsAgain == 0
          && localHitsAgain == keys
          && remoteLookupsFirst == keys
          && remoteMissesFirst == keys
          && remoteLookupsAgain == 0
          && remoteHitsAgain == keys;
    }
  }

  /**
   * Two nodes on one store, each with every token of the population cached: {@link #local}, the
   * validator of the service the change is made through, and {@link #remote}, a validator without a
   * service whose follower ({@link #follower}, driven by the caller) reads the store's change log.
   */
  static final class Nodes {
    final int keys;
    final Population population;
    final TokenService service;
    final TokenValidator local;
    final FakeTicker ticker = new FakeTicker();
    final ChangeFollower follower;
    final TokenValidator remote;

    Nodes(Population population) {
      this.keys = population.keys;
      this.population = population;
      this.service =
          TokenService.builder(population.store)
              .entitlements(Entitlements.all())
              .environments(
                  (organization, environment) -> environment.equals(Population.ENVIRONMENT))
              .copyPolicy(CopyPolicy.digestOnly())
              .clock(new HourPerReading())
              .build();
      this.local = TokenValidator.builder(service).build();
      this.follower =
          ChangeFollower.builder(population.memory).ticker(ticker).drivenByCaller().build();
      this.remote =
          TokenValidator.builder(
                  LookupContext.of(population.store, DigestPolicy.sha256(), Entitlements.all()))
              .ticker(ticker)
              .changeFollower(follower)
              .build();
      ticker.advance(ChangeFollower.DEFAULT_LONGEST_TRANSACTION);
      AbstractValidatorBenchmark.check(follower.catchUp(), "the follower must warm up");
      validateAll(local);
      validateAll(remote);
      AbstractValidatorBenchmark.check(
          local.cachedAnswers() == keys && remote.cachedAnswers() == keys,
          "every token must be cached on both nodes");
    }

    Counts countNextValidations() {
      // The control: without a change, a catch-up and a pass over every token ask the store
      // nothing.
      AbstractValidatorBenchmark.check(follower.catchUp(), "the follower must catch up");
      long lookups = population.store.findByDigestCalls();
      validateAll(local);
      validateAll(remote);
      long controlLookups = population.store.findByDigestCalls() - lookups;
      service.entitlementChanged(Population.ORGANIZATION);
      AbstractValidatorBenchmark.check(follower.catchUp(), "the follower must catch up");
      long localCached = local.cachedAnswers();
      long remoteCached = remote.cachedAnswers();
      long[] localCounts = validateTwice(local);
      long[] remoteCounts = validateTwice(remote);
      return new Counts(
          keys,
          controlLookups,
          localCached,
          localCounts[0],
          localCounts[1],
          localCounts[2],
          localCounts[3],
          remoteCached,
          remoteCounts[0],
          remoteCounts[1],
          remoteCounts[2],
          remoteCounts[3]);
    }

    /** Store lookups and misses of one pass over every token, then lookups and hits of another. */
    private long[] validateTwice(TokenValidator validator) {
      long lookups = population.store.findByDigestCalls();
      long misses = validator.stats().misses();
      validateAll(validator);
      long lookupsFirst = population.store.findByDigestCalls() - lookups;
      long missesFirst = validator.stats().misses() - misses;
      lookups = population.store.findByDigestCalls();
      long hits = validator.stats().hits();
      validateAll(validator);
      return new long[] {
        lookupsFirst,
        missesFirst,
        population.store.findByDigestCalls() - lookups,
        validator.stats().hits() - hits
      };
    }

    private void validateAll(TokenValidator validator) {
      for (String value : population.values) {
        validator.validate(
            value, io.accesstokens.Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
      }
    }

    void close() {
      local.close();
      remote.close();
    }
  }

  /** A clock an hour further on at each reading (see the class comment: the log stays short). */
  static final class HourPerReading extends UtcClock {
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private final AtomicLong readings = new AtomicLong();

    @Override
    public Instant instant() {
      return START.plus(Duration.ofHours(readings.incrementAndGet()));
    }
  }
}
