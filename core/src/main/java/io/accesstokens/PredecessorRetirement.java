package io.accesstokens;

/**
 * When a rotated token's predecessor stops validating ({@link TokenService#rotate(OrganizationId,
 * TokenId, java.time.Duration, Expiry, PredecessorRetirement, Actor)}). An enum rather than a
 * boolean so a call reads as what it asks for.
 */
public enum PredecessorRetirement {
  /** At the end of the overlap only, by its expiry; the default. */
  END_OF_OVERLAP,

  /**
   * At the end of the overlap, or earlier: as soon as any validator, on any node, first accepts the
   * successor's value, the predecessor is deactivated (status Inactive, refused with {@link
   * ErrorCode#INVALID_TOKEN}, cause {@link RefusalCause#INACTIVE}), on every node within the
   * refusal bound. The validator hands the deactivation to a background thread: the connection that
   * used the successor never waits for it, and a store that is down fails no validation (a later
   * validation of the successor tries again). A predecessor a person deactivated or deleted
   * meanwhile is left as it is.
   */
  FIRST_USE
}
