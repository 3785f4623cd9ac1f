package io.accesstokens;

import java.util.Map;

/**
 * A snapshot of a validator's counters since it was built.
 *
 * @param hits validations answered from the cache (accepted or refused)
 * @param misses validations that had to ask the store (or join a lookup already asking)
 * @param negativeHits refusals answered from the cache of unknown tokens
 * @param storeLookups calls made to the store's {@code findByDigest}
 * @param failClosed refusals with {@link ErrorCode#STORE_UNAVAILABLE}
 * @param refusals refusals with {@link ErrorCode#INVALID_TOKEN}, by cause; every cause is present
 */
public record ValidatorStats(
    long hits,
    long misses,
    long negativeHits,
    long storeLookups,
    long failClosed,
    Map<RefusalCause, Long> refusals) {
  public ValidatorStats {
    refusals = Map.copyOf(refusals);
  }

  /** Refusals with {@code INVALID_TOKEN} for {@code cause}. */
  public long refusals(RefusalCause cause) {
    return refusals.getOrDefault(cause, 0L);
  }

  /** All refusals with {@code INVALID_TOKEN}. */
  public long totalRefusals() {
    return refusals.values().stream().mapToLong(Long::longValue).sum();
  }
}
