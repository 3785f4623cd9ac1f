package io.accesstokens.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.accesstokens.jdbc.JdbcChangeFeed;
import io.accesstokens.testing.SecretLeakGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Proves every benchmark still runs, without measuring anything: each one once, in this JVM, one
 * short iteration, at 1,000 keys, the database ones on H2. The real runs are {@code
 * benchmarks/run}'s.
 */
@ExtendWith(SecretLeakGuard.class)
class BenchmarksSmokeTest {

  @Test
  void everyBenchmark_runsOnce_andItsResultsSummarize(@TempDir Path results) throws Exception {
    Path raw = Files.createDirectories(results.resolve("raw"));
    Options options =
        new OptionsBuilder()
            .include("io\\.accesstokens\\.benchmarks\\..*")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(50))
            .param("keys", "1000")
            .param("database", "h2")
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .resultFormat(ResultFormatType.JSON)
            .result(raw.resolve("smoke.json").toString())
            .build();

    Collection<RunResult> ran = new Runner(options).run();

    Set<String> declared =
        BenchmarkList.defaultList()
            .getAll(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
            .stream()
            .map(BenchmarkListEntry::getUsername)
            .collect(Collectors.toSet());
    assertThat(declared)
        .contains(
            "io.accesstokens.benchmarks.FloorBenchmark.lookup",
            "io.accesstokens.benchmarks.ValidatorHitBenchmark.lookup",
            "io.accesstokens.benchmarks.RejectBenchmark.lookup",
            "io.accesstokens.benchmarks.CreateBenchmark.create",
            "io.accesstokens.benchmarks.DatabaseLookupBenchmark.bareLookup",
            "io.accesstokens.benchmarks.DatabaseLookupBenchmark.validateMiss",
            "io.accesstokens.benchmarks.DatabaseLookupBenchmark.validateHit");
    assertThat(ran.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toSet()))
        .isEqualTo(declared);
    for (RunResult r : ran) {
      assertThat(r.getPrimaryResult().getScore()).as(r.getParams().id()).isPositive();
      var secondary = r.getSecondaryResults();
      if (secondary.containsKey("storeCalls")) {
        // A cached hit, a malformed value and an unknown value seen before never reach the store.
        assertThat(secondary.get("storeCalls").getScore()).as(r.getParams().id()).isZero();
      }
    }

    Summarize summary = Summarize.load(raw);
    summary.compute();
    JsonNode written = Json.MAPPER.readTree(Json.write(summary.summary()));
    JsonNode reasons = written.get("reasons");
    for (String key : Summarize.REQUIRED_KEYS) {
      assertThat(written.has(key)).as(key).isTrue();
      if (written.get(key).isNull()) {
        assertThat(reasons.has(key)).as("reason for " + key).isTrue();
      }
    }
    assertThat(written.get("floor_1k_ns").isNumber()).isTrue();
    assertThat(written.get("validate_hit_1k_ratio").isNumber()).isTrue();
    assertThat(written.get("miss_h2_overhead_ratio").isNumber()).isTrue();
    // Not measured here, so null with a reason, never left out.
    assertThat(written.get("miss_pg_overhead_ratio").isNull()).isTrue();
    assertThat(reasons.get("miss_pg_overhead_ratio").asText()).contains("not run");
    assertThat(reasons.get("propagation_pg_notify_p99_ms").asText())
        .contains("no propagation*.json");
    assertThat(written.get("targets").isArray()).isTrue();
    assertThat(written.get("benchmarks").has("FloorBenchmark.lookup t=1 keys=1000")).isTrue();
    assertThat(summary.markdown()).contains("| Target |", "null (no propagation*.json");
  }

  @Test
  void thePropagationMeasurement_runsOnH2_withinTheBound() {
    Propagation.Result result =
        Propagation.measure(BenchDatabase.H2, JdbcChangeFeed.Mode.POLLING, 2);

    assertThat(result).isInstanceOf(Propagation.Measured.class);
    Propagation.Measured measured = (Propagation.Measured) result;
    assertThat(measured.staleAccepts()).isZero();
    assertThat(measured.neverRefused()).isZero();
    assertThat(measured.p99Ms()).isPositive().isLessThanOrEqualTo(measured.boundMs());
  }

  /**
   * The storm's slow-store scenario, small: 16 attacker threads, 2 legitimate ones, short phases
   * (each validator still waits out its follower's 5 s warm-up). Forged values are refused, none
   * reaches the store while the set is trusted, and no legitimate validation fails closed.
   */
  @Test
  void theStorm_runsOnASlowStore_andForgedValuesStayOffTheStore() {
    Storm.Measured measured = smallSlowStoreStorm(Storm.Attack.FORGED);

    assertThat(measured.forgedStoreQueriesPerS()).isZero();
    assertThat(measured.withoutSetForgedStoreQueriesPerS())
        .as("without the set, forged values are store lookups")
        .isPositive();
  }

  /**
   * The storm's known-id scenario, small: 16 attacker threads send wrong secrets for 100 real ids;
   * the contested lane holds them to a quarter of the lookup slots, so the 2 legitimate threads
   * (validating other tokens) never fail closed.
   */
  @Test
  void theStorm_ofGuessesAtKnownIds_neverFailsOtherTokensClosed() {
    smallSlowStoreStorm(Storm.Attack.KNOWN_IDS);
  }

  /**
   * Runs the storm's slow-store scenario small (16 attacker threads, 2 legitimate ones, 500 ms
   * phases) and checks what every attack must give: figures, forged and legitimate validations made
   * under attack, and no legitimate validation failed closed.
   */
  private static Storm.Measured smallSlowStoreStorm(Storm.Attack attack) {
    Storm.Result result = Storm.slowStore(java.time.Duration.ofMillis(500), 16, 2, attack);

    assertThat(result).isInstanceOf(Storm.Measured.class);
    Storm.Measured measured = (Storm.Measured) result;
    assertThat(measured.forgedValidations()).isPositive();
    assertThat(measured.legitValidationsAttack()).isPositive();
    assertThat(measured.legitFailClosed()).isZero();
    return measured;
  }

  @Test
  void aDatabaseWithoutItsUrl_isReportedUnavailable_withTheReason() throws Exception {
    assumeTrue(
        System.getenv(BenchDatabase.MARIADB_URL) == null,
        BenchDatabase.MARIADB_URL + " is set here");
    Propagation.Result result =
        Propagation.measure(BenchDatabase.MARIADB, JdbcChangeFeed.Mode.POLLING, 1);

    assertThat(result).isInstanceOf(Propagation.Unavailable.class);
    assertThat(((Propagation.Unavailable) result).unavailable())
        .contains(BenchDatabase.MARIADB_URL);
    JsonNode written = Json.MAPPER.readTree(Json.write(result));
    assertThat(written.fieldNames()).toIterable().containsExactly("unavailable");
  }

  @Test
  void theHeapMeasurement_runs() throws Exception {
    RetainedHeap.Measurement heap = RetainedHeap.measure(2_000, 1);
    assertThat(heap.bytesPerEntry()).isPositive();
  }

  /**
   * The cache-sizing measurement, small: 2,000 tokens in a cache of 200 miss and evict for size,
   * every miss a store lookup; in a cache of 2,400 (the sizing rule) every validation after the
   * warm-up is a hit.
   */
  @Test
  void theCacheSizingMeasurement_countsLookupsAndEvictions_onlyBelowTheAdvisedSize()
      throws Exception {
    Population population = new Population();
    population.create(2_000);
    String[] order = Population.shuffled(population.values).toArray(new String[0]);

    CacheSizing.Measured small =
        CacheSizing.measure(
            population.memory, population.store, population.service, order, "even", 200, 10_000);
    CacheSizing.Measured advised =
        CacheSizing.measure(
            population.memory, population.store, population.service, order, "80/20", 2_400, 10_000);

    assertThat(small.hitRatio()).isLessThan(0.5);
    assertThat(small.storeLookups()).isEqualTo(small.misses()).isPositive();
    assertThat(small.sizeEvictions()).isEqualTo(small.misses());
    assertThat(advised.hitRatio()).isEqualTo(1.0);
    assertThat(advised.storeLookups()).isZero();
    assertThat(advised.sizeEvictions()).isZero();
  }

  @Test
  void anEntitlementChange_makesEachCachedTokensNextValidationOneLookup_onBothNodes() {
    Population population = new Population();
    population.create(1_000);
    EntitlementChangeBenchmark.Nodes nodes = new EntitlementChangeBenchmark.Nodes(population);

    EntitlementChangeBenchmark.Counts counts = nodes.countNextValidations();
    nodes.close();

    assertThat(counts.holdsEveryAnswer()).as(counts.toString()).isTrue();
    assertThat(counts.everyNextValidationLookedUpOnce()).as(counts.toString()).isTrue();
  }

  @Test
  void theHitExpiryTiming_runs_withoutAStoreCall(@TempDir Path out) throws Exception {
    Path json = out.resolve("hit-expiry-timing.json");

    HitExpiryTiming.main(new String[] {json.toString(), "1000", "2"});

    JsonNode written = Json.MAPPER.readTree(json.toFile());
    assertThat(written.get("store_calls_during_rounds").asLong()).isZero();
    assertThat(written.get("ratio_median").asDouble()).isPositive();
  }

  @Test
  void theLastUsedTiming_runs_withoutAStoreCall_andItsControlToo(@TempDir Path out)
      throws Exception {
    for (String[] extra : new String[][] {{}, {"off"}}) {
      Path json = out.resolve("last-used-timing-" + extra.length + ".json");
      String[] args = new String[3 + extra.length];
      args[0] = json.toString();
      args[1] = "1000";
      args[2] = "2";
      System.arraycopy(extra, 0, args, 3, extra.length);

      LastUsedTiming.main(args);

      JsonNode written = Json.MAPPER.readTree(json.toFile());
      assertThat(written.get("store_calls_during_rounds").asLong()).isZero();
      assertThat(written.get("on_ns").asDouble()).isPositive();
      assertThat(written.get("ratio_median").asDouble()).isPositive();
    }
  }
}
