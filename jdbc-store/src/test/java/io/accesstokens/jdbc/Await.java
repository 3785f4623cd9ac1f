package io.accesstokens.jdbc;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition, never for time: polls it until it holds or a deadline passes. */
final class Await {
  private Await() {}

  /**
   * Polls {@code condition} every millisecond until it holds; fails with {@code what} after {@code
   * timeout}.
   */
  static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }
}
