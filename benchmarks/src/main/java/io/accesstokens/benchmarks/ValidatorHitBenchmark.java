package io.accesstokens.benchmarks;

import io.accesstokens.Scope;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The validator's cached hit: a valid, active token of the connection's organization and
 * environment, cached, checked for well-formedness (prefix, characters, CRC32), looked up by its
 * id, its secret compared in constant time, its hard expiry and the freshness lease checked against
 * one ticker read, counted, and accepted. Compare with {@link FloorBenchmark} over the same
 * population.
 *
 * <p>Run alone (1 thread at both sizes and leases, then 2 threads), with the allocation profiler:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'ValidatorHitBenchmark' -p keys=100000,1000 -p lease=follower,always -prof gc
 * java -jar benchmarks/target/benchmarks.jar 'ValidatorHitBenchmark' -p keys=100000 -p lease=follower -t 2
 * </pre>
 */
public class ValidatorHitBenchmark extends AbstractValidatorBenchmark {
  @Override
  protected void lookup(String presented, Blackhole blackhole) {
    blackhole.consume(
        validator.validate(presented, Scope.EDI, Population.ORGANIZATION, Population.ENVIRONMENT));
  }
}
