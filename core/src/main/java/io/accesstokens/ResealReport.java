package io.accesstokens;

/**
 * What {@link TokenService#reseal} did.
 *
 * @param examined tokens read
 * @param rewritten tokens whose digest or sealed value was rewritten under the current keys, or
 *     whose sealed value was dropped because the policy is now digest-only
 * @param alreadyCurrent tokens that needed nothing
 * @param withoutValue tokens whose digest is under a retired key but which have no sealed value to
 *     recompute it from (created under digest-only); they keep validating through the retired key
 * @param unreadable tokens sealed under a key that is not in the ring, or whose sealed value does
 *     not open; left unchanged
 * @param conflicts tokens changed by someone else during the run; left for the next run
 */
public record ResealReport(
    long examined,
    long rewritten,
    long alreadyCurrent,
    long withoutValue,
    long unreadable,
    long conflicts) {

  /** Whether every token is now under the current keys. */
  public boolean complete() {
    return examined == rewritten + alreadyCurrent;
  }
}
