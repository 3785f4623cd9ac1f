package io.accesstokens.benchmarks;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of an entitlement change with few and with many cached answers, as a ratio that a busy
 * machine cannot fake: {@link EntitlementChangeBenchmark}'s two nodes built twice in one JVM (1,000
 * and 100,000 cached tokens of the organization), then many rounds, each timing a block of calls on
 * one size and then the other (the order alternating), so both sizes run under the same load at the
 * same moments. Reported per size and path: the median time per call over the rounds, and the
 * median of each round's ratio (large over small). A ratio of about 1 means the call does not visit
 * the cached answers; a scan of 100,000 would make it about 100. The live heap after full
 * collections before and after all the calls is reported too: a change must retain nothing.
 *
 * <pre>
 * java -Xms1g -Xmx1g -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.EntitlementChangeTiming \
 *   entitlement-change-timing.json 1000 100000 200 5000
 * </pre>
 */
public final class EntitlementChangeTiming {
  private EntitlementChangeTiming() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int small = Integer.parseInt(args[1]);
    int large = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int calls = Integer.parseInt(args[4]);
    EntitlementChangeBenchmark.Nodes smallNodes = nodes(small);
    EntitlementChangeBenchmark.Nodes largeNodes = nodes(large);
    Map<String, Object> result = new LinkedHashMap<>();
    // The live heap before and after all the calls: an entitlement change must retain nothing.
    long liveBefore = RetainedHeap.usedAfterGc();
    long callsMade = 0;
    result.put("calls_per_block", calls);
    result.put("rounds", rounds);
    List<PathCost> paths = new ArrayList<>();
    for (String path : List.of("service_call", "follower_applies")) {
      // Warm-up: the same work, untimed, until the JIT has compiled both paths.
      for (int i = 0; i < 20; i++) {
        block(smallNodes, path, calls);
        block(largeNodes, path, calls);
      }
      double[] smallNs = new double[rounds];
      double[] largeNs = new double[rounds];
      double[] ratios = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
          smallNs[r] = block(smallNodes, path, calls);
          largeNs[r] = block(largeNodes, path, calls);
        } else {
          largeNs[r] = block(largeNodes, path, calls);
          smallNs[r] = block(smallNodes, path, calls);
        }
        ratios[r] = largeNs[r] / smallNs[r];
      }
      callsMade += 2L * (20 + rounds) * calls;
      PathCost measured =
          new PathCost(
              path,
              small,
              large,
              RetainedHeap.median(smallNs),
              RetainedHeap.median(largeNs),
              RetainedHeap.median(ratios),
              quantile(ratios, 0.25),
              quantile(ratios, 0.75));
      System.out.println(measured);
      paths.add(measured);
    }
    AbstractValidatorBenchmark.check(
        smallNodes.local.cachedAnswers() == small && largeNodes.local.cachedAnswers() == large,
        "the changes must leave the cached entries where they are");
    result.put("entitlement_changes_made", callsMade);
    result.put("live_heap_before_bytes", liveBefore);
    result.put("live_heap_after_bytes", RetainedHeap.usedAfterGc());
    smallNodes.close();
    largeNodes.close();
    result.put("paths", paths);
    Files.writeString(out, Json.write(result));
  }

  /**
   * One path's figures: nanoseconds per call (medians over the rounds) and the large-over-small
   * ratio of each round (median, quartiles).
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record PathCost(
      String path,
      int smallKeys,
      int largeKeys,
      double smallNsPerCall,
      double largeNsPerCall,
      double ratioMedian,
      double ratioP25,
      double ratioP75) {}

  private static EntitlementChangeBenchmark.Nodes nodes(int keys) {
    Population population = new Population();
    population.create(keys);
    EntitlementChangeBenchmark.Nodes nodes = new EntitlementChangeBenchmark.Nodes(population);
    EntitlementChangeBenchmark.Counts counts = nodes.countNextValidations();
    AbstractValidatorBenchmark.check(
        counts.holdsEveryAnswer() && counts.everyNextValidationLookedUpOnce(),
        "after an entitlement change each cached token must be looked up once: " + counts);
    return nodes;
  }

  /** Nanoseconds per call over {@code calls} calls of {@code path}. */
  private static double block(EntitlementChangeBenchmark.Nodes nodes, String path, int calls) {
    boolean renewed = true;
    long start = System.nanoTime();
    if (path.equals("service_call")) {
      for (int i = 0; i < calls; i++) {
        nodes.service.entitlementChanged(Population.ORGANIZATION);
      }
    } else {
      for (int i = 0; i < calls; i++) {
        nodes.service.entitlementChanged(Population.ORGANIZATION);
        renewed &= nodes.follower.catchUp();
      }
    }
    long took = System.nanoTime() - start;
    AbstractValidatorBenchmark.check(renewed, "every catch-up must complete");
    return (double) took / calls;
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.floor(q * (sorted.length - 1))];
  }
}
