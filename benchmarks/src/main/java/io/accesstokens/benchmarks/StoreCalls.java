package io.accesstokens.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Calls the store received during each iteration, reported by JMH next to the time as the secondary
 * result {@code storeCalls} (and so written into the JSON results). Thread 0 reports the store's
 * total; other threads report 0, so the sum over threads is the true count.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class StoreCalls {
  /** Store calls made while this iteration ran (warmup iterations included in their own rows). */
  public long storeCalls;

  private boolean reporter;
  private long before;

  @Setup(Level.Trial)
  public void start(ThreadParams thread) {
    reporter = thread.getThreadIndex() == 0;
  }

  @Setup(Level.Iteration)
  public void mark(Population population) {
    before = population.store.calls();
    storeCalls = 0;
  }

  @TearDown(Level.Iteration)
  public void count(Population population) {
    storeCalls = reporter ? population.store.calls() - before : 0;
  }
}
