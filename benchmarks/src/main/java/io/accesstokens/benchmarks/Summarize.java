package io.accesstokens.benchmarks;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Turns one run of {@code benchmarks/run} into {@code summary.json} and a Markdown {@code
 * README.md}: reads every JMH result file in {@code <results>/raw} (runs of the same benchmark,
 * parameters and thread count in several files are merged: each file is one or more forks), the
 * heap measurement ({@code heap.json}) and what the script recorded about the run ({@code
 * run.properties}).
 *
 * <p>Every figure is the <em>median</em> of all measurement iterations of all forks (not JMH's
 * mean), and every ratio is a ratio of two medians of the same run. A figure whose benchmark did
 * not run is written as {@code null} with a reason, never left out: a database the run could not
 * reach has its reason in {@code run.properties} as {@code unavailable.<database>}, and the
 * propagation measurement ({@code propagation*.json}, merged) carries its own.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.accesstokens.benchmarks.Summarize benchmarks/results
 * </pre>
 */
public final class Summarize {
  /** The database-and-mode pairs whose propagation latency is reported, as {@code <db>_<mode>}. */
  static final List<String> PROPAGATION_TARGETS =
      List.of("h2_polling", "pg_polling", "pg_notify", "mariadb_polling");

  /** The keys summary.json always holds: a number measured in the run, or null with a reason. */
  static final List<String> REQUIRED_KEYS =
      List.of(
          "floor_100k_ns",
          "floor_1k_ns",
          "validate_hit_100k_ns",
          "validate_hit_1k_ns",
          "validate_hit_ratio",
          "validate_hit_1k_ratio",
          "caffeine_get_100k_ns",
          "floor_2t_scaling",
          "validate_hit_2t_scaling",
          "reject_bad_checksum_ns",
          "reject_wrong_prefix_ns",
          "reject_malformed_store_calls",
          "reject_unknown_repeat_ns",
          "miss_h2_overhead_ratio",
          "miss_pg_overhead_ratio",
          "uncached_pg_over_cached",
          "create_1t_ops_s",
          "create_2t_scaling",
          "validate_hit_alloc_over_floor_bytes",
          "cache_bytes_per_entry",
          "propagation_h2_polling_p50_ms",
          "propagation_h2_polling_p99_ms",
          "propagation_pg_polling_p50_ms",
          "propagation_pg_polling_p99_ms",
          "propagation_pg_notify_p50_ms",
          "propagation_pg_notify_p99_ms",
          "propagation_mariadb_polling_p50_ms",
          "propagation_mariadb_polling_p99_ms",
          "storm_pg_64_legit_p99_ratio",
          "storm_forged_store_queries_per_s",
          "storm_slow_store_1024_fail_closed",
          "storm_slow_store_known_ids_1024_fail_closed");

  private final Map<String, Run> runs;
  private final RetainedHeap.@Nullable Measurement heap;
  private final @Nullable Map<String, Propagation.Result> propagation;
  private final @Nullable Map<String, Storm.Result> storm;
  private final Properties run;
  private final Map<String, @Nullable Double> values = new LinkedHashMap<>();
  private final Map<String, String> reasons = new LinkedHashMap<>();
  private final Map<String, String> descriptions = new LinkedHashMap<>();
  private final List<Target> targets = new ArrayList<>();

  Summarize(
      Map<String, Run> runs,
      RetainedHeap.@Nullable Measurement heap,
      @Nullable Map<String, Propagation.Result> propagation,
      @Nullable Map<String, Storm.Result> storm,
      Properties run) {
    this.runs = runs;
    this.heap = heap;
    this.propagation = propagation;
    this.storm = storm;
    this.run = run;
  }

  public static void main(String[] args) throws IOException {
    Path results = Path.of(args.length > 0 ? args[0] : "benchmarks/results");
    Summarize summary = load(results.resolve("raw"));
    summary.compute();
    Files.writeString(results.resolve("summary.json"), Json.write(summary.summary()));
    Files.writeString(results.resolve("README.md"), summary.markdown());
    for (Target t : summary.targets) {
      System.out.println(
          (Boolean.TRUE.equals(t.met()) ? "met     " : "NOT MET ")
              + t.target()
              + "  ("
              + t.value()
              + ")");
    }
  }

  // ---- reading
  // --------------------------------------------------------------------------------------

  /** One benchmark with one set of parameters and one thread count, over all its forks. */
  record Run(
      String name,
      List<double[]> primaryForks,
      String unit,
      Map<String, List<double[]>> secondaryForks) {
    double median() {
      return Summarize.median(flatten(primaryForks));
    }

    double medianOf(String secondary) {
      return Summarize.median(flatten(secondaryForks.getOrDefault(secondary, List.of())));
    }

    double sumOf(String secondary) {
      return Arrays.stream(flatten(secondaryForks.getOrDefault(secondary, List.of()))).sum();
    }

    int forks() {
      return primaryForks.size();
    }

    int iterations() {
      return flatten(primaryForks).length;
    }
  }

  /** One entry of a JMH result file: the fields read here, of the many JMH writes. */
  record JmhResult(
      String benchmark,
      int threads,
      // JMH leaves "params" out for a benchmark without any.
      @JsonSetter(nulls = Nulls.AS_EMPTY) Map<String, String> params,
      JmhMetric primaryMetric,
      @JsonSetter(nulls = Nulls.AS_EMPTY) Map<String, JmhMetric> secondaryMetrics) {}

  /** A metric's unit and its raw data: one array of iteration values per fork. */
  record JmhMetric(String scoreUnit, List<double[]> rawData) {}

  /** A JMH result file: a list of entries. */
  private static final TypeReference<List<JmhResult>> JMH_FILE = new TypeReference<>() {};

  /** A propagation*.json file: by {@code <db>_<mode>}, the figures or why there are none. */
  private static final TypeReference<LinkedHashMap<String, Propagation.Result>> PROPAGATION_FILE =
      new TypeReference<>() {};

  /** A storm*.json file: by scenario ({@code pg_64}, {@code slow_1024}), figures or a reason. */
  private static final TypeReference<LinkedHashMap<String, Storm.Result>> STORM_FILE =
      new TypeReference<>() {};

  static Summarize load(Path raw) throws IOException {
    Map<String, Run> runs = new TreeMap<>();
    RetainedHeap.Measurement heap = null;
    Map<String, Propagation.Result> propagation = null;
    Map<String, Storm.Result> storm = null;
    Properties props = new Properties();
    List<Path> files;
    try (Stream<Path> list = Files.list(raw)) {
      files = list.sorted().toList();
    }
    for (Path file : files) {
      String name = file.getFileName().toString();
      if (name.equals("heap.json")) {
        heap = Json.MAPPER.readValue(file.toFile(), RetainedHeap.Measurement.class);
      } else if (name.startsWith("propagation") && name.endsWith(".json")) {
        if (propagation == null) {
          propagation = new LinkedHashMap<>();
        }
        propagation.putAll(Json.MAPPER.readValue(file.toFile(), PROPAGATION_FILE));
      } else if (name.startsWith("storm") && name.endsWith(".json")) {
        if (storm == null) {
          storm = new LinkedHashMap<>();
        }
        storm.putAll(Json.MAPPER.readValue(file.toFile(), STORM_FILE));
      } else if (name.equals("run.properties")) {
        try (var in = Files.newBufferedReader(file)) {
          props.load(in);
        }
      } else if (name.endsWith(".json")) {
        for (JmhResult entry : Json.MAPPER.readValue(file.toFile(), JMH_FILE)) {
          merge(runs, entry);
        }
      }
    }
    return new Summarize(runs, heap, propagation, storm, props);
  }

  private static void merge(Map<String, Run> runs, JmhResult entry) {
    String name = key(entry.benchmark(), entry.threads(), entry.params());
    JmhMetric primary = entry.primaryMetric();
    Run current =
        runs.computeIfAbsent(
            name, n -> new Run(n, new ArrayList<>(), primary.scoreUnit(), new TreeMap<>()));
    current.primaryForks().addAll(primary.rawData());
    entry
        .secondaryMetrics()
        .forEach(
            (metric, value) ->
                current
                    .secondaryForks()
                    .computeIfAbsent(metric, k -> new ArrayList<>())
                    .addAll(value.rawData()));
  }

  /**
   * {@code Simple.method t=N k=v ...}, parameters sorted by name: how figures name their source.
   */
  static String key(String benchmark, int threads, Map<String, String> params) {
    String[] parts = benchmark.split("\\.");
    StringBuilder out =
        new StringBuilder(parts[parts.length - 2]).append('.').append(parts[parts.length - 1]);
    out.append(" t=").append(threads);
    // ValidatorHitBenchmark's expiry=off is the hit as it always was: its key stays the one every
    // figure below names; expiry=on (issue 14) gets a key of its own beside it.
    new TreeMap<>(params)
        .forEach(
            (k, v) -> {
              if (!(k.equals("expiry") && v.equals("off"))) {
                out.append(' ').append(k).append('=').append(v);
              }
            });
    return out.toString();
  }

  // ---- figures
  // --------------------------------------------------------------------------------------

  static final String FLOOR = "FloorBenchmark.lookup";
  static final String HIT = "ValidatorHitBenchmark.lookup";
  static final String REJECT = "RejectBenchmark.lookup";

  void compute() {
    ns(
        "floor_100k_ns",
        FLOOR + " t=1 keys=100000",
        "floor: ConcurrentHashMap<String, row>.get, fresh key, 100,000 keys");
    ns("floor_1k_ns", FLOOR + " t=1 keys=1000", "floor at 1,000 keys");
    ns(
        "validate_hit_100k_ns",
        HIT + " t=1 keys=100000 lease=follower",
        "validator cached hit, 100,000 tokens, follower lease (volatile deadline)");
    ns(
        "validate_hit_1k_ns",
        HIT + " t=1 keys=1000 lease=follower",
        "validator cached hit, 1,000 tokens, follower lease");
    ns(
        "validate_hit_always_100k_ns",
        HIT + " t=1 keys=100000 lease=always",
        "validator cached hit, 100,000 tokens, FreshnessLease.always()");
    ns(
        "validate_hit_always_1k_ns",
        HIT + " t=1 keys=1000 lease=always",
        "validator cached hit, 1,000 tokens, always()");
    ratio(
        "validate_hit_ratio",
        "validate_hit_100k_ns",
        "floor_100k_ns",
        "cached hit / floor at 100,000");
    ratio(
        "validate_hit_1k_ratio",
        "validate_hit_1k_ns",
        "floor_1k_ns",
        "cached hit / floor at 1,000");
    ratio(
        "validate_hit_always_ratio",
        "validate_hit_always_100k_ns",
        "floor_100k_ns",
        "hit with always() / floor at 100,000");
    ratio(
        "validate_hit_always_1k_ratio",
        "validate_hit_always_1k_ns",
        "floor_1k_ns",
        "hit with always() / floor at 1,000");
    ns(
        "caffeine_get_100k_ns",
        "CaffeineBenchmark.lookup t=1 keys=100000",
        "reference: bare Caffeine getIfPresent (maximumSize), fresh String key, 100,000 keys");
    ratio(
        "caffeine_get_ratio",
        "caffeine_get_100k_ns",
        "floor_100k_ns",
        "bare Caffeine / floor at 100,000");
    ns(
        "floor_100k_2t_ns",
        FLOOR + " t=2 keys=100000",
        "floor, 2 threads (time per operation per thread)");
    ns(
        "validate_hit_100k_2t_ns",
        HIT + " t=2 keys=100000 lease=follower",
        "cached hit, 2 threads (per thread)");
    scaling(
        "floor_2t_scaling",
        "floor_100k_ns",
        "floor_100k_2t_ns",
        "floor: 2-thread / 1-thread throughput");
    scaling(
        "validate_hit_2t_scaling",
        "validate_hit_100k_ns",
        "validate_hit_100k_2t_ns",
        "cached hit: 2-thread / 1-thread throughput");
    ns(
        "reject_bad_checksum_ns",
        REJECT + " t=1 keys=100000 kind=badChecksum lease=follower",
        "refusal of a value with a bad checksum");
    ns(
        "reject_wrong_prefix_ns",
        REJECT + " t=1 keys=100000 kind=wrongPrefix lease=follower",
        "refusal of a value with a wrong prefix");
    sum(
        "reject_malformed_store_calls",
        "storeCalls",
        "store calls during the malformed runs (measurement iterations)",
        REJECT + " t=1 keys=100000 kind=badChecksum lease=follower",
        REJECT + " t=1 keys=100000 kind=wrongPrefix lease=follower");
    ns(
        "reject_unknown_repeat_ns",
        REJECT + " t=1 keys=100000 kind=unknownRepeat lease=follower",
        "refusal of a well-formed unknown value seen before (negative cache hit)");
    sum(
        "reject_unknown_repeat_store_calls",
        "storeCalls",
        "store calls during the unknown-repeat run",
        REJECT + " t=1 keys=100000 kind=unknownRepeat lease=follower");
    sum(
        "validate_hit_store_calls",
        "storeCalls",
        "store calls during all cached-hit runs",
        HIT + " t=1 keys=100000 lease=follower",
        HIT + " t=1 keys=1000 lease=follower",
        HIT + " t=1 keys=100000 lease=always",
        HIT + " t=1 keys=1000 lease=always",
        HIT + " t=2 keys=100000 lease=follower");
    ratio(
        "reject_bad_checksum_over_hit",
        "reject_bad_checksum_ns",
        "validate_hit_100k_ns",
        "bad checksum / cached hit");
    ratio(
        "reject_wrong_prefix_over_hit",
        "reject_wrong_prefix_ns",
        "validate_hit_100k_ns",
        "wrong prefix / cached hit");
    ratio(
        "reject_unknown_repeat_over_hit",
        "reject_unknown_repeat_ns",
        "validate_hit_100k_ns",
        "unknown seen before / cached hit");
    database(
        "miss_h2_us",
        "validateMiss",
        "h2",
        "validation that goes to the store, H2 (in-memory), µs");
    database(
        "bare_lookup_h2_us",
        "bareLookup",
        "h2",
        "bare lookup: SHA-256, then the store's SELECT by digest on a pooled connection, H2, µs");
    ratio(
        "miss_h2_overhead_ratio",
        "miss_h2_us",
        "bare_lookup_h2_us",
        "validation miss / bare lookup, H2");
    database(
        "miss_pg_us",
        "validateMiss",
        "postgresql",
        "validation that goes to the store, PostgreSQL (loopback), µs");
    database("bare_lookup_pg_us", "bareLookup", "postgresql", "bare lookup, PostgreSQL, µs");
    database(
        "hit_pg_us",
        "validateHit",
        "postgresql",
        "cached hit of a validator on PostgreSQL (2,000 tokens), µs");
    ratio(
        "miss_pg_overhead_ratio",
        "miss_pg_us",
        "bare_lookup_pg_us",
        "validation miss / bare lookup, PostgreSQL");
    ratio(
        "uncached_pg_over_cached",
        "bare_lookup_pg_us",
        "hit_pg_us",
        "a database lookup per validation (no cache) / the cached hit, PostgreSQL");
    primary(
        "create_1t_ops_s",
        "CreateBenchmark.create t=1",
        "create (mint, digest, seal, memory-store insert), 1 thread, ops/s");
    primary("create_2t_ops_s", "CreateBenchmark.create t=2", "create, 2 threads, ops/s (total)");
    ratio(
        "create_2t_scaling",
        "create_2t_ops_s",
        "create_1t_ops_s",
        "create: 2-thread / 1-thread throughput");
    primary(
        "random_per_thread_drbg_1t_ops_s",
        "RandomSourceBenchmark.drawsOfOneToken t=1 source=perThreadDrbg",
        "random draws of one token, per-thread DRBG, 1 thread, ops/s");
    primary(
        "random_per_thread_drbg_2t_ops_s",
        "RandomSourceBenchmark.drawsOfOneToken t=2 source=perThreadDrbg",
        "same, 2 threads (total)");
    primary(
        "random_shared_default_1t_ops_s",
        "RandomSourceBenchmark.drawsOfOneToken t=1 source=sharedDefault",
        "random draws of one token, one shared new SecureRandom(), 1 thread, ops/s");
    primary(
        "random_shared_default_2t_ops_s",
        "RandomSourceBenchmark.drawsOfOneToken t=2 source=sharedDefault",
        "same, 2 threads (total)");
    ratio(
        "random_per_thread_drbg_2t_scaling",
        "random_per_thread_drbg_2t_ops_s",
        "random_per_thread_drbg_1t_ops_s",
        "per-thread DRBG: 2-thread / 1-thread throughput");
    ratio(
        "random_shared_default_2t_scaling",
        "random_shared_default_2t_ops_s",
        "random_shared_default_1t_ops_s",
        "shared SecureRandom: 2-thread / 1-thread throughput");
    secondary(
        "floor_alloc_bytes",
        FLOOR + " t=1 keys=100000",
        "gc.alloc.rate.norm",
        "floor: bytes allocated per lookup");
    secondary(
        "validate_hit_alloc_bytes",
        HIT + " t=1 keys=100000 lease=follower",
        "gc.alloc.rate.norm",
        "cached hit: bytes allocated per validation");
    difference(
        "validate_hit_alloc_over_floor_bytes",
        "validate_hit_alloc_bytes",
        "floor_alloc_bytes",
        "cached hit allocation minus the floor's");
    secondary(
        "reject_bad_checksum_alloc_bytes",
        REJECT + " t=1 keys=100000 kind=badChecksum lease=follower",
        "gc.alloc.rate.norm",
        "bad-checksum refusal: bytes allocated (with the fresh String)");
    if (heap != null) {
      put(
          "cache_bytes_per_entry",
          heap.bytesPerEntry(),
          "retained heap per cached valid token (" + heap.entries() + " entries, see method)");
    } else {
      missing(
          "cache_bytes_per_entry",
          "heap.json not found: the heap measurement did not run",
          "retained heap per cached valid token");
    }

    for (String pair : PROPAGATION_TARGETS) {
      propagation(pair);
    }
    storm();

    target("validate_hit_ratio", "<=", 1.5, "cached hit at 100,000 <= 1.5 x floor");
    target("validate_hit_1k_ratio", "<=", 2.5, "cached hit at 1,000 <= 2.5 x floor");
    target("validate_hit_always_ratio", "<=", 1.5, "same with FreshnessLease.always()");
    target("validate_hit_always_1k_ratio", "<=", 2.5, "same with FreshnessLease.always() at 1,000");
    target("validate_hit_store_calls", "==", 0, "no store call on a cached hit");
    targetRelative(
        "validate_hit_2t_scaling",
        ">=",
        0.85,
        "floor_2t_scaling",
        "hit 2-thread scaling >= 0.85 x floor's");
    targetRelative(
        "reject_bad_checksum_ns",
        "<=",
        0.5,
        "validate_hit_100k_ns",
        "bad checksum <= half a cached hit");
    targetRelative(
        "reject_wrong_prefix_ns",
        "<=",
        0.5,
        "validate_hit_100k_ns",
        "wrong prefix <= half a cached hit");
    target("reject_malformed_store_calls", "==", 0, "malformed values make no store call");
    targetRelative(
        "reject_unknown_repeat_ns",
        "<=",
        1.2,
        "validate_hit_100k_ns",
        "unknown seen before <= 1.2 x cached hit");
    target(
        "reject_unknown_repeat_store_calls",
        "==",
        0,
        "unknown seen before: no store call within the negative cache's lifetime");
    target(
        "validate_hit_alloc_over_floor_bytes",
        "<=",
        64,
        "a hit allocates <= 64 bytes more than the floor");
    target("cache_bytes_per_entry", "<=", 256, "a cached token retains <= 256 bytes");
    target("create_2t_scaling", ">=", 1.5, "create from 2 threads scales >= 1.5");
    target("miss_h2_overhead_ratio", "<=", 1.15, "miss to H2 <= 1.15 x bare lookup");
    target("miss_pg_overhead_ratio", "<=", 1.15, "miss to PostgreSQL <= 1.15 x bare lookup");
    target(
        "propagation_pg_notify_p99_ms",
        "<",
        20,
        "PostgreSQL with notifications: p99 propagation < 20 ms");
    for (String pair : PROPAGATION_TARGETS) {
      if (pair.endsWith("_polling")) {
        target(
            "propagation_" + pair + "_p99_ms",
            "<=",
            1000,
            pair.replace('_', ' ') + ": p99 within the 1 s bound");
      }
    }
    target(
        "storm_pg_64_legit_p99_ratio",
        "<=",
        2,
        "64 attackers on PostgreSQL: legitimate uncached p99 within 2 x no attack");
    target(
        "storm_forged_store_queries_per_s",
        "<=",
        5,
        "forged values: at most a few store queries a second");
    target(
        "storm_slow_store_1024_fail_closed",
        "==",
        0,
        "store at 20-50 ms a lookup, 1,024 attackers: no legitimate validation fails closed");
    target(
        "storm_slow_store_known_ids_1024_fail_closed",
        "==",
        0,
        "store at 20-50 ms a lookup, 1,024 attackers guessing at known ids: no other token's"
            + " validation fails closed");
    for (String pair : PROPAGATION_TARGETS) {
      target(
          "propagation_" + pair + "_stale_accepts",
          "==",
          0,
          pair.replace('_', ' ') + ": no stale accept");
    }
  }

  /**
   * A {@code DatabaseLookupBenchmark} figure, in microseconds; null with the run's reason when the
   * database was not reachable.
   */
  private void database(String key, String method, String database, String what) {
    String source = "DatabaseLookupBenchmark." + method + " t=1 database=" + database;
    Run r = runs.get(source);
    if (r == null) {
      String reason = run.getProperty("unavailable." + database);
      missing(
          key,
          reason != null
              ? database + " not reachable in this run: " + reason
              : "not run: " + source,
          what);
    } else {
      put(key, r.median(), what);
    }
  }

  /** The propagation figures of one {@code <db>_<mode>} pair, or nulls with the reason. */
  private void propagation(String pair) {
    String what = pair.replace('_', ' ') + ": deactivation on one node until refused on another";
    Propagation.Result measured = propagation == null ? null : propagation.get(pair);
    String reason;
    String database =
        BenchDatabase.named(pair.substring(0, pair.indexOf('_'))).name().toLowerCase(Locale.ROOT);
    String unreachable = run.getProperty("unavailable." + database);
    if (unreachable != null) {
      reason = database + " not reachable in this run: " + unreachable;
    } else if (propagation == null) {
      reason = "no propagation*.json: the propagation measurement did not run";
    } else if (measured == null) {
      reason = "not run in this run";
    } else if (measured instanceof Propagation.Unavailable unavailable) {
      reason = unavailable.unavailable();
    } else {
      Propagation.Measured m = (Propagation.Measured) measured;
      put("propagation_" + pair + "_p50_ms", m.p50Ms(), what + ", p50, ms");
      put(
          "propagation_" + pair + "_p99_ms",
          m.p99Ms(),
          what
              + ", p99, ms ("
              + m.rounds()
              + " rounds, max "
              + Json.number(m.maxMs())
              + " ms, bound "
              + m.boundMs()
              + " ms)");
      put(
          "propagation_" + pair + "_stale_accepts",
          (double) m.staleAccepts() + m.neverRefused(),
          what + ": accepted after the bound, or never refused");
      return;
    }
    missing("propagation_" + pair + "_p50_ms", reason, what + ", p50, ms");
    missing("propagation_" + pair + "_p99_ms", reason, what + ", p99, ms");
    missing(
        "propagation_" + pair + "_stale_accepts",
        reason,
        what + ": accepted after the bound, or never refused");
  }

  /** The storm figures ({@link Storm}), or nulls with the reason. */
  private void storm() {
    String pgWhat =
        "64 attacker threads of distinct forged values on PostgreSQL: legitimate uncached"
            + " validations' p99, attack over no attack";
    String queriesWhat =
        "store lookups a second the 64 attackers' forged values caused on PostgreSQL";
    String slowWhat =
        "store at 20-50 ms a lookup, 1,024 attacker threads: legitimate validations failed closed";
    Storm.Result pg = storm == null ? null : storm.get("pg_64");
    if (pg instanceof Storm.Measured m) {
      put("storm_pg_64_legit_p99_ratio", m.legitP99Ratio(), pgWhat);
      put("storm_forged_store_queries_per_s", m.forgedStoreQueriesPerS(), queriesWhat);
    } else {
      String reason =
          storm == null
              ? "no storm*.json: the storm measurement did not run"
              : pg == null ? "not run in this run" : ((Storm.Unavailable) pg).unavailable();
      missing("storm_pg_64_legit_p99_ratio", reason, pgWhat);
      missing("storm_forged_store_queries_per_s", reason, queriesWhat);
    }
    failClosed("slow_1024", "storm_slow_store_1024_fail_closed", slowWhat);
    failClosed(
        "slow_known_1024",
        "storm_slow_store_known_ids_1024_fail_closed",
        "store at 20-50 ms a lookup, 1,024 attacker threads sending wrong secrets for 100 known"
            + " token ids: validations of the other tokens failed closed");
  }

  /** A storm scenario's legitimate validations that failed closed, or null with the reason. */
  private void failClosed(String scenario, String key, String what) {
    Storm.Result result = storm == null ? null : storm.get(scenario);
    if (result instanceof Storm.Measured m) {
      put(key, m.legitFailClosed(), what);
    } else {
      missing(
          key,
          storm == null
              ? "no storm*.json: the storm measurement did not run"
              : result == null ? "not run in this run" : ((Storm.Unavailable) result).unavailable(),
          what);
    }
  }

  private void ns(String key, String source, String what) {
    primary(key, source, what);
  }

  private void primary(String key, String source, String what) {
    Run r = runs.get(source);
    if (r == null) {
      missing(key, "not run: " + source, what);
    } else {
      put(key, r.median(), what);
    }
  }

  private void secondary(String key, String source, String metric, String what) {
    Run r = runs.get(source);
    if (r == null || !r.secondaryForks().containsKey(metric)) {
      missing(key, "not run (or without -prof gc): " + source, what);
    } else {
      put(key, r.medianOf(metric), what);
    }
  }

  private void sum(String key, String metric, String what, String... sources) {
    double total = 0;
    for (String source : sources) {
      Run r = runs.get(source);
      if (r == null || !r.secondaryForks().containsKey(metric)) {
        missing(key, "not run: " + source, what);
        return;
      }
      total += r.sumOf(metric);
    }
    put(key, total, what);
  }

  private void ratio(String key, String numerator, String denominator, String what) {
    Double n = number(numerator);
    Double d = number(denominator);
    if (n == null || d == null) {
      missing(key, needs(numerator, denominator), what);
    } else {
      put(key, n / d, what);
    }
  }

  /** Throughput scaling from two average times per operation per thread: (2 / t2) / (1 / t1). */
  private void scaling(String key, String oneThread, String twoThreads, String what) {
    Double t1 = number(oneThread);
    Double t2 = number(twoThreads);
    if (t1 == null || t2 == null) {
      missing(key, needs(oneThread, twoThreads), what);
    } else {
      put(key, 2 * t1 / t2, what);
    }
  }

  private void difference(String key, String a, String b, String what) {
    Double x = number(a);
    Double y = number(b);
    if (x == null || y == null) {
      missing(key, needs(a, b), what);
    } else {
      put(key, x - y, what);
    }
  }

  /** Why a figure computed from {@code inputs} is missing: the reason of each missing input. */
  private String needs(String... inputs) {
    StringBuilder out = new StringBuilder();
    for (String input : inputs) {
      if (number(input) == null) {
        out.append(out.length() == 0 ? "" : "; ")
            .append(input)
            .append(": ")
            .append(reasons.getOrDefault(input, "not computed"));
      }
    }
    return out.toString();
  }

  private void put(String key, double value, String what) {
    values.put(key, value);
    descriptions.put(key, what);
  }

  private void missing(String key, String reason, String what) {
    values.put(key, null);
    reasons.put(key, reason);
    descriptions.put(key, what);
  }

  private @Nullable Double number(String key) {
    return values.get(key);
  }

  private void target(String key, String op, double limit, String target) {
    addTarget(key, op, limit, Json.number(limit), target);
  }

  private void targetRelative(String key, String op, double factor, String of, String target) {
    Double base = number(of);
    addTarget(
        key, op, base == null ? null : factor * base, Json.number(factor) + " x " + of, target);
  }

  private void addTarget(
      String key, String op, @Nullable Double limit, String limitText, String target) {
    Double value = number(key);
    Boolean met = null;
    if (value != null && limit != null) {
      met =
          switch (op) {
            case "<=" -> value <= limit;
            case ">=" -> value >= limit;
            case "<" -> value < limit;
            case "==" -> value.doubleValue() == limit.doubleValue();
            default -> throw new IllegalArgumentException(op);
          };
    }
    targets.add(new Target(target, key, value, key + " " + op + " " + limitText, limit, met));
  }

  // ---- writing
  // --------------------------------------------------------------------------------------

  /**
   * A target: its condition on a figure, the figure and the limit in this run, met or not (null).
   */
  record Target(
      String target,
      String key,
      @Nullable Double value,
      String condition,
      @Nullable Double limit,
      @Nullable Boolean met) {}

  /** One benchmark's line in summary.json: its median and spread, over all forks. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record BenchmarkFigures(
      double median,
      String unit,
      int forks,
      int iterations,
      double min,
      double max,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double allocBytesPerOp,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Double storeCalls) {}

  /**
   * summary.json: every figure (null when it could not be computed) at the top level, then the
   * reasons, targets, the run and each benchmark, and the heap measurement when it ran.
   */
  @JsonPropertyOrder({
    "figures",
    "reasons",
    "targets",
    "all_targets_met",
    "run",
    "benchmarks",
    "heap"
  })
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Summary(
      @JsonAnyGetter Map<String, @Nullable Double> figures,
      Map<String, String> reasons,
      List<Target> targets,
      boolean allTargetsMet,
      Map<String, String> run,
      Map<String, BenchmarkFigures> benchmarks,
      @JsonInclude(JsonInclude.Include.NON_NULL) RetainedHeap.@Nullable Measurement heap) {}

  Summary summary() {
    for (String key : REQUIRED_KEYS) {
      if (!values.containsKey(key)) {
        throw new IllegalStateException("no figure computed for required key " + key);
      }
    }
    Map<String, BenchmarkFigures> measured = new LinkedHashMap<>();
    runs.forEach(
        (name, r) -> {
          double[] all = flatten(r.primaryForks());
          measured.put(
              name,
              new BenchmarkFigures(
                  r.median(),
                  r.unit(),
                  r.forks(),
                  r.iterations(),
                  Arrays.stream(all).min().orElse(Double.NaN),
                  Arrays.stream(all).max().orElse(Double.NaN),
                  r.secondaryForks().containsKey("gc.alloc.rate.norm")
                      ? r.medianOf("gc.alloc.rate.norm")
                      : null,
                  r.secondaryForks().containsKey("storeCalls") ? r.sumOf("storeCalls") : null));
        });
    Map<String, String> runProperties = new TreeMap<>();
    run.stringPropertyNames().forEach(k -> runProperties.put(k, run.getProperty(k)));
    return new Summary(
        new LinkedHashMap<>(values),
        new LinkedHashMap<>(reasons),
        List.copyOf(targets),
        targets.stream().allMatch(t -> Boolean.TRUE.equals(t.met())),
        runProperties,
        measured,
        heap);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append(
            "Written by `benchmarks/run` (do not edit by hand); the numbers are in"
                + " [`summary.json`](summary.json)")
        .append(
            " and JMH's own output in [`raw/`](raw/). A figure the run could not measure (a"
                + " database it")
        .append(
            " could not reach) is `null` with its reason, in the tables below as in the JSON.\n\n");
    md.append("## Machine and run\n\n| | |\n| --- | --- |\n");
    for (String k :
        List.of(
            "date",
            "cpu",
            "nproc",
            "memory",
            "os",
            "jdk",
            "jmh",
            "commit",
            "load_start",
            "load_end",
            "profile",
            "duration_s")) {
      if (run.getProperty(k) != null) {
        md.append("| ")
            .append(k)
            .append(" | ")
            .append(run.getProperty(k).replace("|", "\\|"))
            .append(" |\n");
      }
    }
    new TreeMap<>(run)
        .forEach(
            (k, v) -> {
              if (String.valueOf(k).startsWith("database.")
                  || String.valueOf(k).startsWith("unavailable.")) {
                md.append("| ")
                    .append(k)
                    .append(" | ")
                    .append(String.valueOf(v).replace("|", "\\|"))
                    .append(" |\n");
              }
            });
    md.append(
            "\n"
                + "The machine is shared with other engineers' builds; the load average is the one"
                + " `uptime`")
        .append(
            " showed at the start and end of the run. Compare ratios of the same run, not absolute")
        .append(" nanoseconds across runs.\n\n");
    md.append("## Targets\n\n| Target | Condition | Value | Met |\n| --- | --- | ---: | --- |\n");
    for (Target t : targets) {
      Double limit = t.limit();
      Double value = t.value();
      Boolean met = t.met();
      md.append("| ")
          .append(t.target())
          .append(" | `")
          .append(t.condition())
          .append("` (limit ")
          .append(limit == null ? "n/a" : Json.number(limit))
          .append(") | ")
          .append(value == null ? "n/a" : Json.number(value))
          .append(" | ")
          .append(met == null ? "n/a" : met ? "yes" : "**no**")
          .append(" |\n");
    }
    md.append("\n## Figures\n\nMedians of every measurement iteration of every fork.\n\n")
        .append("| Key | What | Value |\n| --- | --- | ---: |\n");
    values.forEach(
        (k, v) ->
            md.append("| `")
                .append(k)
                .append("` | ")
                .append(descriptions.get(k))
                .append(" | ")
                .append(v == null ? "null (" + reasons.get(k) + ")" : Json.number(v))
                .append(" |\n"));
    md.append(
            "\n"
                + "## Every benchmark\n\n"
                + "| Benchmark | Median | Unit | Min | Max | Forks x iterations | B/op |\n")
        .append("| --- | ---: | --- | ---: | ---: | --- | ---: |\n");
    runs.forEach(
        (name, r) -> {
          double[] all = flatten(r.primaryForks());
          md.append("| `")
              .append(name)
              .append("` | ")
              .append(Json.number(r.median()))
              .append(" | ")
              .append(r.unit())
              .append(" | ")
              .append(Json.number(Arrays.stream(all).min().orElse(Double.NaN)))
              .append(" | ")
              .append(Json.number(Arrays.stream(all).max().orElse(Double.NaN)))
              .append(" | ")
              .append(r.forks())
              .append(" x ")
              .append(all.length / Math.max(1, r.forks()))
              .append(" | ")
              .append(
                  r.secondaryForks().containsKey("gc.alloc.rate.norm")
                      ? Json.number(r.medianOf("gc.alloc.rate.norm"))
                      : "")
              .append(" |\n");
        });
    if (heap != null) {
      md.append("\n## Retained heap\n\n")
          .append(heap.method())
          .append(". Rounds: ")
          .append(
              heap.bytesPerEntryByRound().stream()
                  .map(Json::number)
                  .collect(Collectors.joining(", ", "[", "]")))
          .append(" bytes per entry; the validator's fixed structures: ")
          .append(Json.number(heap.validatorFixedBytes()))
          .append(" bytes; collector: ")
          .append(heap.gc())
          .append(", JVM arguments: ")
          .append(heap.jvmArgs())
          .append(".\n");
    }
    md.append("\n## How each figure is measured\n\n")
        .append(
            "- Every lookup benchmark presents the tokens of one population (created through"
                + " `TokenService`")
        .append(
            " on the memory store) in a shuffled order prepared in setup, each as a fresh `String`"
                + " decoded")
        .append(" from bytes; with 2 threads each thread starts at its own offset.\n")
        .append(
            "- The floor is `ConcurrentHashMap<String, Row>.get` with that fresh key, reading the"
                + " row's fields")
        .append(" into a blackhole.\n")
        .append(
            "- The validator runs with its defaults (60 s hard expiry checked on every hit) and a"
                + " follower")
        .append(
            " lease (a volatile deadline compared on every hit); `always` rows use"
                + " `FreshnessLease.always()`.\n")
        .append(
            "- Store calls are counted by a wrapper around the store, per measurement iteration.\n")
        .append(
            "- Allocation is JMH's `gc.alloc.rate.norm` (`-prof gc`); scaling is 2-thread over"
                + " 1-thread")
        .append(" throughput from the same run.\n")
        .append(
            "- Database rows (`DatabaseLookupBenchmark`, microseconds): 2,000 tokens in tables of"
                + " the fork's own, one")
        .append(
            " HikariCP pool; the bare lookup is SHA-256 plus the store's own `SELECT` by digest on"
                + " a pooled")
        .append(
            " connection, every column read; the miss is `validate` with a ticker moved past the"
                + " hard expiry")
        .append(
            " before each call, so every call goes to the store (checked: no hit, one store lookup"
                + " per miss).\n")
        .append(
            "- Propagation (`Propagation`): two nodes, each with its own pool, store, service and"
                + " validator with")
        .append(
            " a change follower at the library's defaults; each round deactivates a token cached on"
                + " node b")
        .append(
            " through node a, at a random moment within a poll interval, and times b's first"
                + " refusal from the")
        .append(
            " moment the deactivation returned (b validates every 200 µs). A stale accept is an"
                + " acceptance")
        .append(" after the refusal bound.\n");
    return md.toString();
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------

  static double[] flatten(List<double[]> forks) {
    return forks.stream().flatMapToDouble(Arrays::stream).toArray();
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    return RetainedHeap.median(values);
  }
}
