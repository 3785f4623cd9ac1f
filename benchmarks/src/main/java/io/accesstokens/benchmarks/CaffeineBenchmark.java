package io.accesstokens.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.openjdk.jmh.infra.Blackhole;

/**
 * For reference: a bare Caffeine cache bounded like the validator's ({@code maximumSize}, no
 * expiry, default executor), keyed by the full value like the floor, hit with {@code getIfPresent}.
 * Shows what the bounded cache's read bookkeeping costs over a plain map, before any validation.
 *
 * <p>Run alone:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'CaffeineBenchmark' -p keys=100000
 * </pre>
 */
public class CaffeineBenchmark extends AbstractLookupBenchmark {
  private Cache<String, Row> cache;

  @Override
  @Initializer
  protected void prepare(Population population) {
    cache = Caffeine.newBuilder().maximumSize(Math.max(population.keys, 100_000)).build();
    for (String value : population.values) {
      cache.put(value, Row.valid());
    }
  }

  // The measured code: every presented key was put in prepare into a cache sized to hold them all,
  // so getIfPresent always finds its row (NullAway cannot know that), and a null check here would
  // be
  // work that the bare-Caffeine reference must not do.
  @Override
  @SuppressWarnings("NullAway")
  protected void lookup(String presented, Blackhole blackhole) {
    Row row = cache.getIfPresent(presented);
    row.readInto(blackhole);
  }
}
