package io.accesstokens.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One benchmark thread's place in the shared visiting order. Each thread starts at its own offset
 * (thread i of n at i/n of the way through), so two threads do not walk the same keys in step.
 */
@State(Scope.Thread)
public class Cursor {
  private int size;
  private int position;

  @Setup(Level.Trial)
  public void start(Population population, ThreadParams thread) {
    size = population.keys;
    position = (int) ((long) size * thread.getThreadIndex() / thread.getThreadCount());
  }

  /** The next index to visit, wrapping around. */
  int next() {
    int i = position;
    int following = i + 1;
    position = following == size ? 0 : following;
    return i;
  }
}
