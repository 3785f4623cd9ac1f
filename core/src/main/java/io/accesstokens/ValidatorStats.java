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
 * @param loads answers read from the store and cached (a token found, valid or not)
 * @param sizeEvictions cached answers evicted because the cache was full ({@code maximumSize}):
 *     many of them for the loads means the cache is smaller than the tokens in use
 * @param timedLookups lookups that ran against the store holding a lookup slot, answered or failed
 *     (each may make more than one {@code findByDigest} call during a key rotation)
 * @param lookupNanos their total time in nanoseconds, by the validator's {@code ticker}: the
 *     store's answer and the host's entitlement check, not the wait for a slot; divided by {@code
 *     timedLookups}, the mean lookup latency
 * @param contestedRefusals misses failed closed at once because the contested lane was full: values
 *     presented for a token id that had just been presented with another value (guesses at a known
 *     id) hold at most a quarter of the lookup slots (also counted in {@code failClosed})
 */
public record ValidatorStats(
    long hits,
    long misses,
    long negativeHits,
    long storeLookups,
    long failClosed,
    Map<RefusalCause, Long> refusals,
    long loads,
    long sizeEvictions,
    long timedLookups,
    long lookupNanos,
    long contestedRefusals) {
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
