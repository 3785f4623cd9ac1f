package io.accesstokens.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.accesstokens.jdbc.JdbcChangeFeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
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
 * short iteration, at 1,000 keys, the database ones on H2. The real runs are {@code benchmarks/run}'s.
 */
class BenchmarksSmokeTest {

  @Test
  void everyBenchmark_runsOnce_andItsResultsSummarize(@TempDir Path results) throws Exception {
    Path raw = Files.createDirectories(results.resolve("raw"));
    Options options = new OptionsBuilder()
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

    Set<String> declared = BenchmarkList.defaultList()
        .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
        .stream().map(BenchmarkListEntry::getUsername).collect(Collectors.toSet());
    assertThat(declared).contains(
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
    Map<String, Object> written = summary.summary();
    @SuppressWarnings("unchecked")
    Map<String, String> reasons = (Map<String, String>) written.get("reasons");
    for (String key : Summarize.REQUIRED_KEYS) {
      assertThat(written).as(key).containsKey(key);
      if (written.get(key) == null) {
        assertThat(reasons).as("reason for " + key).containsKey(key);
      }
    }
    assertThat(written.get("floor_1k_ns")).isInstanceOf(Double.class);
    assertThat(written.get("validate_hit_1k_ratio")).isInstanceOf(Double.class);
    assertThat(written.get("miss_h2_overhead_ratio")).isInstanceOf(Double.class);
    // Not measured here, so null with a reason, never left out.
    assertThat(reasons.get("miss_pg_overhead_ratio")).contains("not run");
    assertThat(reasons.get("propagation_pg_notify_p99_ms")).contains("no propagation*.json");
    assertThat(Json.parse(Json.write(written))).isInstanceOf(Map.class);
    assertThat(summary.markdown()).contains("| Target |", "null (no propagation*.json");
  }

  @Test
  void thePropagationMeasurement_runsOnH2_withinTheBound() {
    Map<String, Object> result = Propagation.measure(BenchDatabase.H2, JdbcChangeFeed.Mode.POLLING, 2);

    assertThat(result).doesNotContainKey("unavailable").containsEntry("stale_accepts", 0.0)
        .containsEntry("never_refused", 0.0);
    assertThat((Double) result.get("p99_ms")).isPositive().isLessThanOrEqualTo((Double) result.get("bound_ms"));
  }

  @Test
  void aDatabaseWithoutItsUrl_isReportedUnavailable_withTheReason() {
    assumeTrue(System.getenv(BenchDatabase.MARIADB_URL) == null, BenchDatabase.MARIADB_URL + " is set here");
    Map<String, Object> result = Propagation.measure(BenchDatabase.MARIADB, JdbcChangeFeed.Mode.POLLING, 1);

    assertThat(result).containsOnlyKeys("unavailable");
    assertThat((String) result.get("unavailable")).contains(BenchDatabase.MARIADB_URL);
  }

  @Test
  void theHeapMeasurement_runs() throws Exception {
    Map<String, Object> heap = RetainedHeap.measure(2_000, 1);
    assertThat((Double) heap.get("bytes_per_entry")).isPositive();
  }
}
