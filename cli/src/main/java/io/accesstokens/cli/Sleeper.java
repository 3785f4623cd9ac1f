package io.accesstokens.cli;

import java.time.Duration;

/**
 * The passing of time for a command that waits (for the embedded database's lock): a monotonic
 * clock to measure the wait by, and a sleep. {@link #system()} is the real one; a test passes one
 * that moves its clock forward when asked to sleep, so a ten-second wait takes no time.
 */
interface Sleeper {
  /** Now on a monotonic clock, in nanoseconds (only differences mean anything). */
  long nanoTime();

  /** Sleeps for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  static Sleeper system() {
    return new Sleeper() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
      }
    };
  }
}
