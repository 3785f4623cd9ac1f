package io.accesstokens;

/**
 * How long cached answers may be trusted, as a source of coherence (for example a follower of other
 * nodes' changes) sees it. The validator accepts a cached answer only while its own hard expiry has
 * not passed <em>and</em> the lease says the cache is trusted; otherwise it asks the store. So a
 * follower that stalls or loses its connection causes store lookups, never stale acceptance.
 *
 * <p>Called on every cache hit with the reading of the validator's ticker: it must be cheap (a
 * volatile read and a comparison) and must not block.
 */
@FunctionalInterface
public interface FreshnessLease {

  /**
   * Whether cached answers may be trusted at {@code nowNanos}, in the validator's ticker's time.
   */
  boolean isTrustedAt(long nowNanos);

  /**
   * Always trusted: the right lease for a single node, where every change goes through this service
   * and evicts at once. The hard expiry still caps every answer.
   */
  static FreshnessLease always() {
    return AlwaysTrusted.INSTANCE;
  }
}

/** The one lease of a single node; a separate class so the JIT sees a single, trivial target. */
enum AlwaysTrusted implements FreshnessLease {
  INSTANCE;

  @Override
  public boolean isTrustedAt(long nowNanos) {
    return true;
  }
}
