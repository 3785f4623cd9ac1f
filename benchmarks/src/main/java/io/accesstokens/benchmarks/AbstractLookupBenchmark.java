package io.accesstokens.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The workload every lookup benchmark shares, so that the floor and the validator answer exactly
 * the same stream of questions: a {@link Population} of real tokens filled into the structure under
 * test outside the timed code, presented in a shuffled order prepared in setup, each one as a
 * <em>fresh</em> {@code String} decoded from bytes, as a connector receiving it from the network
 * would have it (so no benchmark gets a cached {@code String.hashCode} or a reference-equal key for
 * free).
 *
 * <p>Subclasses fill their structure in {@link #prepare} and answer one question in {@link
 * #lookup}; the timed method is {@link #lookup(Population, Cursor, StoreCalls, Blackhole)}, which
 * also reports the store calls made during each iteration ({@link StoreCalls}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class AbstractLookupBenchmark extends SuiteDefaults {
  /**
   * What is presented, in visiting order; the population's valid tokens unless a subclass says
   * otherwise.
   */
  byte[][] visits;

  @Setup(Level.Trial)
  public void fill(Population population) {
    visits = population.visits;
    prepare(population);
  }

  /** Fills the structure under test (and may replace {@link #visits}); not timed. */
  protected abstract void prepare(Population population);

  /** Answers one presented value, handing everything it read to {@code blackhole}. */
  protected abstract void lookup(String presented, Blackhole blackhole);

  @Benchmark
  public void lookup(
      Population population, Cursor cursor, StoreCalls storeCalls, Blackhole blackhole) {
    lookup(new String(visits[cursor.next()], StandardCharsets.US_ASCII), blackhole);
  }
}
