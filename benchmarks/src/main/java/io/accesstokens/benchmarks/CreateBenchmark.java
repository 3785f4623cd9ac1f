package io.accesstokens.benchmarks;

import io.accesstokens.CopyPolicy;
import io.accesstokens.IssuedToken;
import io.accesstokens.TokenService;
import io.accesstokens.memory.MemoryTokenStore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Add Token end to end on the memory store: minting (a random id and 32 digits from the thread's
 * DRBG), the SHA-256 lookup digest, sealing the value with AES-GCM ({@code CopyPolicy.ephemeral()})
 * and the store's insert. Throughput in tokens per second, summed over threads; run with 1 and 2
 * threads for the scaling. Each iteration starts on an empty store so the heap does not grow over
 * the run.
 *
 * <p>Run alone:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'CreateBenchmark' -t 1
 * java -jar benchmarks/target/benchmarks.jar 'CreateBenchmark' -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
public class CreateBenchmark extends SuiteDefaults {
  private TokenService service;

  @Setup(Level.Iteration)
  public void emptyStore() {
    service =
        Population.newService(
            new CountingTokenStore(new MemoryTokenStore()), CopyPolicy.ephemeral());
  }

  @Benchmark
  public IssuedToken create() {
    return service.create(
        Population.ORGANIZATION, Population.ENVIRONMENT, "benchmark token", Population.ACTOR);
  }
}
