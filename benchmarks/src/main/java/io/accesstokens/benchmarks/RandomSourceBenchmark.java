package io.accesstokens.benchmarks;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Checks the reason minting uses one DRBG per thread: the random draws of one minted token (an
 * 8-byte id and a 48-byte pool for the 32 secret digits) from {@code perThreadDrbg}, a {@code
 * SecureRandom.getInstance("DRBG")} per thread as the library keeps one (its internal {@code
 * CryptoSupport}, which benchmarks do not reach into; the library's reseed check in front of it is
 * a counter and a clock read), against {@code sharedDefault}, one {@code new SecureRandom()} shared
 * by every thread. Throughput summed over threads; run with 1 and 2 threads. {@code
 * CreateBenchmark} measures minting through the library itself.
 *
 * <p>Run alone:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'RandomSourceBenchmark' -t 1
 * java -jar benchmarks/target/benchmarks.jar 'RandomSourceBenchmark' -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class RandomSourceBenchmark extends SuiteDefaults {
  @Param({"perThreadDrbg", "sharedDefault"})
  public String source;

  private final SecureRandom shared = new SecureRandom();
  private final ThreadLocal<SecureRandom> perThreadDrbg =
      ThreadLocal.withInitial(RandomSourceBenchmark::newDrbg);
  private boolean perThread;

  @Setup(Level.Trial)
  public void choose() {
    if (!source.equals("perThreadDrbg") && !source.equals("sharedDefault")) {
      throw new IllegalArgumentException(
          "source must be perThreadDrbg or sharedDefault, but was " + source);
    }
    perThread = source.equals("perThreadDrbg");
  }

  @Benchmark
  public void drawsOfOneToken(Blackhole blackhole) {
    SecureRandom random = perThread ? perThreadDrbg.get() : shared;
    blackhole.consume(random.nextLong());
    byte[] pool = new byte[48];
    random.nextBytes(pool);
    blackhole.consume(pool);
  }

  private static SecureRandom newDrbg() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no DRBG SecureRandom", e);
    }
  }
}
