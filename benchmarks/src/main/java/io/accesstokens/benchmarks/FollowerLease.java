package io.accesstokens.benchmarks;

import io.accesstokens.FreshnessLease;

/**
 * A lease as a follower of other nodes' changes would hold it: trusted until a deadline the
 * follower moves forward each time it hears from its source, read with one volatile load and one
 * comparison. Here the deadline is set once, far enough ahead to outlast the run.
 */
final class FollowerLease implements FreshnessLease {
  private volatile long trustedUntil;

  void renewUntil(long nanos) {
    trustedUntil = nanos;
  }

  @Override
  public boolean isTrustedAt(long nowNanos) {
    return nowNanos - trustedUntil < 0;
  }
}
