package io.accesstokens.benchmarks;

import com.github.benmanes.caffeine.cache.Ticker;
import io.accesstokens.Scope;
import io.accesstokens.TokenValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The last-used flush at {@link Population#keys} active tokens (issue 14): before each timed flush,
 * simulated time moves on by one {@link TokenValidator#DEFAULT_LAST_USED_INTERVAL} (10 minutes) in
 * one-minute steps, every token validated at each step (all hits: the hard expiry is a day); the
 * timed code is one {@link TokenValidator#flushLastUsed()} into the memory store. At the end of the
 * trial it prints the row writes the store was asked for, per flush and per second of simulated
 * time, and fails unless that is at most tokens / interval (each token at most once per interval,
 * however often it was validated).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'LastUsedFlushBenchmark' -p keys=100000
 * </pre>
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LastUsedFlushBenchmark {
  private static final Duration INTERVAL = TokenValidator.DEFAULT_LAST_USED_INTERVAL;
  private static final Duration STEP = Duration.ofMinutes(1);

  private final AtomicLong nanos = new AtomicLong();
  private final ManualClock clock = new ManualClock();
  private Population population;
  private TokenValidator validator;
  private long writesBefore;
  private long flushes;
  private long writesInFlushes;

  @Setup(Level.Trial)
  public void prepare(Population population) {
    this.population = population;
    Ticker ticker = nanos::get;
    validator =
        TokenValidator.builder(population.service)
            .ticker(ticker)
            .clock(clock)
            .expireAfter(Duration.ofDays(1))
            .maximumSize(population.keys)
            .recordLastUsed(true)
            .lastUsedInterval(INTERVAL)
            .build();
  }

  /** One interval of simulated use: every token validated once a minute for ten minutes. */
  @Setup(Level.Invocation)
  public void useEveryTokenForOneInterval() {
    for (long minute = 0; minute < INTERVAL.dividedBy(STEP); minute++) {
      nanos.addAndGet(STEP.toNanos());
      clock.advance(STEP);
      for (String value : population.values) {
        validator.validate(value, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT);
      }
    }
    writesBefore = population.store.lastUsedWrites();
  }

  @Benchmark
  public int flush() {
    return validator.flushLastUsed();
  }

  @TearDown(Level.Invocation)
  public void count() {
    flushes++;
    writesInFlushes += population.store.lastUsedWrites() - writesBefore;
  }

  @TearDown(Level.Trial)
  public void report() {
    double perFlush = (double) writesInFlushes / flushes;
    double perSecond = perFlush / INTERVAL.toSeconds();
    double bound = (double) population.keys / INTERVAL.toSeconds();
    System.out.printf(
        "%nlast-used flush: %d tokens, %d flushes (one per %s of simulated time, each token"
            + " validated %d times in it): %.0f row writes per flush, %.1f per second; bound"
            + " tokens/interval %.1f per second%n",
        population.keys, flushes, INTERVAL, INTERVAL.dividedBy(STEP), perFlush, perSecond, bound);
    AbstractValidatorBenchmark.check(
        perSecond <= bound + 1e-9,
        "the flush wrote more than each token once per interval: " + perSecond + " per second");
    validator.close();
  }

  /** A clock the benchmark moves with its ticker. */
  private static final class ManualClock extends UtcClock {
    private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
