package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.ChangeFollower;
import io.accesstokens.CopyPolicy;
import io.accesstokens.Scope;
import io.accesstokens.TokenService;
import io.accesstokens.TokenValidator;
import io.accesstokens.ValidatorStats;
import io.accesstokens.memory.MemoryTokenStore;
import io.accesstokens.testing.FakeTicker;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The validator's hit ratio on a large host (issue 13): {@code tokens} active tokens in one store,
 * a steady stream of validations drawn from them, once with the default {@code maximumSize} ({@link
 * TokenValidator#DEFAULT_MAXIMUM_SIZE}) and once with the size the sizing rule of {@code
 * docs/validator.md} gives (every token is presented within {@code expireAfter}, so all of them,
 * with room to spare: {@code advisedSize}). Two kinds of traffic: {@code even} (every validation
 * draws a token uniformly) and {@code 80/20} (80% of the validations draw from a fifth of the
 * tokens, 20% from the rest).
 *
 * <p>One node as a large host runs it: the memory store behind a {@link CountingTokenStore}, a
 * change follower driven by this loop (so the hard expiry is the default with a follower, {@link
 * TokenValidator#DEFAULT_EXPIRE_AFTER_FOLLOWED}), a {@link FakeTicker} advanced by {@code 1 /
 * ratePerS} per validation and a catch-up every 200 ms of it; the cache's maintenance and the
 * lookups run on the calling thread ({@code executor}, {@code lookupExecutor}), which changes where
 * they run, not what the cache keeps; the set of issued ids is off (only valid tokens are
 * presented, and the memory store's scan that loads it takes minutes at a million tokens). A
 * warm-up validates every token once (in a shuffled order); then {@code validations} are drawn and
 * counted. At the default rate the whole run (warm-up and measurement) stays within the 30-minute
 * hard expiry, so every miss counted is a miss for size, not for age.
 *
 * <p>Counted, over the measured validations: hits, misses, the store's {@code findByDigest} calls
 * (from the store's side) and the validator's size evictions; and whether the validator's "cache
 * too small" WARN fired, read from the log itself ({@link WarnLog}, the SLF4J provider this class
 * installs; the benchmarks' jar otherwise logs nothing). Counts are independent of the machine's
 * load; the run's wall time is not part of the result. The heap figure is the used heap after a
 * full collection with the validator filled; give the JVM enough (the store's million tokens are
 * most of it):
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmx3g -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.CacheSizing \
 *   cache-sizing.json 1000000 3000000 1200000
 * </pre>
 *
 * Not part of any test build: a main class, like {@link SteadyReads}.
 */
public final class CacheSizing {
  private static final Duration POLL = Duration.ofMillis(200);

  /** Simulated validations a second (the ticker's pace): the run's 4,000,000 take 800 s. */
  private static final long RATE_PER_S = 5_000;

  private CacheSizing() {}

  public static void main(String[] args) throws Exception {
    WarnLog.install(); // before any class that logs is loaded
    Path out = Path.of(args[0]);
    int tokens = Integer.parseInt(args[1]);
    long validations = Long.parseLong(args[2]);
    long advisedSize = Long.parseLong(args[3]);

    long started = System.nanoTime();
    MemoryTokenStore memory = new MemoryTokenStore();
    CountingTokenStore counted = new CountingTokenStore(memory);
    TokenService service = Population.newService(counted, CopyPolicy.digestOnly());
    String[] values = new String[tokens];
    for (int i = 0; i < tokens; i++) {
      values[i] =
          service
              .create(Population.ORGANIZATION, Population.ENVIRONMENT, null, Population.ACTOR)
              .value()
              .reveal();
    }
    String[] order = Population.shuffled(values).toArray(new String[0]);
    System.out.printf("%d tokens created in %.1f s%n", tokens, (System.nanoTime() - started) / 1e9);

    List<Measured> results = new ArrayList<>();
    for (String traffic : List.of("even", "80/20")) {
      for (long size : new long[] {TokenValidator.DEFAULT_MAXIMUM_SIZE, advisedSize}) {
        long t = System.nanoTime();
        Measured m = measure(memory, counted, service, order, traffic, size, validations);
        results.add(m);
        System.out.printf("%s (%.0f s wall)%n", m, (System.nanoTime() - t) / 1e9);
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("tokens", tokens);
    json.put("validations_measured", validations);
    json.put("simulated_rate_per_s", RATE_PER_S);
    json.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    json.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
    json.put("results", results);
    Files.writeString(out, Json.write(json));
  }

  /**
   * One scenario's counts over the measured validations.
   *
   * @param storeLookupsPerValidation the store's {@code findByDigest} calls over validations
   * @param sizeWarnings the validator's "cache is too small" WARN lines during the scenario
   *     (warm-up included), and the first of them in {@link #firstWarning}
   * @param usedHeapBytes used heap after a full collection, the validator filled, the store held
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measured(
      String traffic,
      long maximumSize,
      long expireAfterS,
      long validations,
      long hits,
      long misses,
      double hitRatio,
      long storeLookups,
      double storeLookupsPerValidation,
      long sizeEvictions,
      long loads,
      long cachedAnswersAtEnd,
      int sizeWarnings,
      String firstWarning,
      long usedHeapBytes) {}

  static Measured measure(
      MemoryTokenStore memory,
      CountingTokenStore counted,
      TokenService service,
      String[] order,
      String traffic,
      long maximumSize,
      long validations)
      throws InterruptedException {
    int tokens = order.length;
    int hot = tokens / 5;
    FakeTicker ticker = new FakeTicker();
    ChangeFollower follower =
        ChangeFollower.builder(memory).ticker(ticker).drivenByCaller().build();
    WarnLog.clear();
    TokenValidator.Builder builder =
        TokenValidator.builder(service)
            .ticker(ticker)
            .executor(Runnable::run)
            .lookupExecutor(Runnable::run)
            .changeFollower(follower)
            // Every token presented is valid, so the set of issued ids would refuse nothing here;
            // and loading it scans the memory store, whose scan reads every row for each page of
            // 1,000 (minutes at 1,000,000 tokens).
            .issuedIdSet(false);
    if (maximumSize != TokenValidator.DEFAULT_MAXIMUM_SIZE) {
      builder.maximumSize(maximumSize);
    }
    try (TokenValidator validator = builder.build()) {
      ticker.advance(ChangeFollower.DEFAULT_LONGEST_TRANSACTION);
      follower.catchUp(); // warm
      Pace pace = new Pace(ticker, follower);
      for (String value : order) {
        validate(validator, value);
        pace.step();
      }
      ValidatorStats before = validator.stats();
      long lookupsBefore = counted.findByDigestCalls();
      SplittableRandom random = new SplittableRandom(Population.SEED);
      boolean skewed = traffic.equals("80/20");
      for (long n = 0; n < validations; n++) {
        int index;
        if (!skewed) {
          index = random.nextInt(tokens);
        } else if (random.nextInt(10) < 8) {
          index = random.nextInt(hot);
        } else {
          index = hot + random.nextInt(tokens - hot);
        }
        validate(validator, order[index]);
        pace.step();
      }
      ValidatorStats after = validator.stats();
      long storeLookups = counted.findByDigestCalls() - lookupsBefore;
      long hits = after.hits() - before.hits();
      long misses = after.misses() - before.misses();
      if (hits + misses != validations || after.failClosed() != 0) {
        throw new IllegalStateException("every validation must be a hit or a miss: " + after);
      }
      List<String> warnings = WarnLog.lines("too small");
      long used = RetainedHeap.usedAfterGc();
      return new Measured(
          traffic,
          maximumSize,
          TokenValidator.DEFAULT_EXPIRE_AFTER_FOLLOWED.toSeconds(),
          validations,
          hits,
          misses,
          (double) hits / validations,
          storeLookups,
          (double) storeLookups / validations,
          after.sizeEvictions() - before.sizeEvictions(),
          after.loads() - before.loads(),
          validator.cachedAnswers(),
          warnings.size(),
          warnings.isEmpty() ? "" : warnings.get(0),
          used);
    }
  }

  private static void validate(TokenValidator validator, String value) {
    // A fresh String, as a connector reads it from the network.
    validator.validate(
        new String(value.toCharArray()),
        Scope.EDI,
        Population.ORGANIZATION,
        Population.ENVIRONMENT);
  }

  /** Moves the fake time on by one validation's share and catches up every poll interval. */
  private static final class Pace {
    private final FakeTicker ticker;
    private final ChangeFollower follower;
    private final long perValidationNanos = Duration.ofSeconds(1).toNanos() / RATE_PER_S;
    private long untilPoll = POLL.toNanos();

    Pace(FakeTicker ticker, ChangeFollower follower) {
      this.ticker = ticker;
      this.follower = follower;
    }

    void step() {
      ticker.advance(Duration.ofNanos(perValidationNanos));
      untilPoll -= perValidationNanos;
      if (untilPoll <= 0) {
        untilPoll += POLL.toNanos();
        follower.catchUp();
      }
    }
  }
}
