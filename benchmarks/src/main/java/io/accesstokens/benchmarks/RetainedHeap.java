package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What the validator's cache keeps per cached token, measured on the heap rather than estimated.
 *
 * <p>Method: create the population's tokens in a store first (they are not the cache's cost), then,
 * in each round, measure the used heap after a full collection ({@code System.gc()} repeated until
 * the figure stops moving), build a validator with the default settings, measure again, validate
 * every token once (each one a miss that caches its answer), measure again. The difference over the
 * filling, divided by the number of tokens, is the cost of one cached token: its cache entry and
 * node, its answer, the table slots and the eviction sketch that grow with it. The validator's
 * fixed structures are reported apart. Several rounds, each on a new validator; the median is
 * quoted. Run in a JVM of its own with the serial collector, whose used-heap figure after a full
 * collection is exact:
 *
 * <pre>
 * java -XX:+UseSerialGC -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.RetainedHeap 100000 3 [out.json [expiry]]
 * </pre>
 *
 * <p>With {@code expiry} every token is given an expiry a year ahead first (the answer's expiry
 * stamp is there either way; this shows the expiry costs nothing more per cached token).
 */
public final class RetainedHeap {
  private RetainedHeap() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    boolean expiry = args.length > 3 && args[3].equals("expiry");
    String json = Json.write(measure(entries, rounds, expiry));
    if (args.length > 2) {
      Files.writeString(Path.of(args[2]), json);
    }
    System.out.print(json);
  }

  /**
   * What {@code heap.json} holds: the median cost per cached token, each round's, and how it was
   * measured.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Measurement(
      int entries,
      int rounds,
      double bytesPerEntry,
      List<Double> bytesPerEntryByRound,
      double validatorFixedBytes,
      String gc,
      List<String> jvmArgs,
      String method) {}

  static Measurement measure(int entries, int rounds) throws InterruptedException {
    return measure(entries, rounds, false);
  }

  /**
   * @param expiry whether every token is given an expiry (a year ahead) before the cache is filled
   */
  static Measurement measure(int entries, int rounds, boolean expiry) throws InterruptedException {
    Population population = new Population();
    population.create(entries);
    if (expiry) {
      ValidatorHitBenchmark.giveEveryTokenAnExpiry(
          population, java.time.Instant.now().plus(java.time.Duration.ofDays(365)));
    }
    double[] perEntry = new double[rounds];
    double[] fixed = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long before = usedAfterGc();
      TokenValidator validator = TokenValidator.builder(population.service).build();
      long built = usedAfterGc();
      for (String value : population.values) {
        validator.validate(value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
      }
      if (validator.stats().misses() != entries || validator.cachedAnswers() != entries) {
        throw new IllegalStateException(
            "expected "
                + entries
                + " cached answers, but "
                + validator.stats()
                + " cached "
                + validator.cachedAnswers());
      }
      Thread.sleep(200); // let the cache's maintenance drain its write buffer
      long filled = usedAfterGc();
      perEntry[round] = (double) (filled - built) / entries;
      fixed[round] = built - before;
      Reference.reachabilityFence(validator);
      validator.close();
    }
    Reference.reachabilityFence(population);
    return new Measurement(
        entries,
        rounds,
        median(perEntry),
        Arrays.stream(perEntry).boxed().toList(),
        median(fixed),
        ManagementFactory.getGarbageCollectorMXBeans().get(0).getName(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        "used heap after repeated System.gc() (MemoryMXBean), before and after validating "
            + entries
            + (expiry ? " stored tokens (each with an expiry)" : " stored tokens")
            + " once each through a new default validator; difference / entries;"
            + " median of "
            + rounds
            + " rounds; its own JVM");
  }

  /** Used heap after full collections, once two in a row agree to within 1 KiB. */
  static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 20; i++) {
      System.gc();
      Thread.sleep(20);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - previous) < 1024) {
        return used;
      }
      previous = used;
    }
    return previous;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
