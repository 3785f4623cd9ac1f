package io.accesstokens.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor: what any cached validator must at least do. A {@link ConcurrentHashMap} keyed by the
 * full token value, hit with a fresh key {@code String} (hashed and compared in full, as a map
 * must), reading the fields of the row it finds. No well-formedness check, no secret comparison, no
 * expiry, no counters: nothing can be cheaper and still answer.
 *
 * <p>Run alone (1 thread, then 2):
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'FloorBenchmark' -p keys=100000,1000
 * java -jar benchmarks/target/benchmarks.jar 'FloorBenchmark' -p keys=100000 -t 2
 * </pre>
 */
public class FloorBenchmark extends AbstractLookupBenchmark {
  private ConcurrentHashMap<String, Row> rows;

  @Override
  @Initializer
  protected void prepare(Population population) {
    rows = new ConcurrentHashMap<>();
    for (String value : population.values) {
      rows.put(value, Row.valid());
    }
  }

  // The measured code: every presented key was put in prepare, so get always finds its row
  // (NullAway
  // cannot know that), and a null check here would be work that the floor must not do.
  @Override
  @SuppressWarnings("NullAway")
  protected void lookup(String presented, Blackhole blackhole) {
    Row row = rows.get(presented);
    row.readInto(blackhole);
  }
}
