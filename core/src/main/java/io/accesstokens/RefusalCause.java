package io.accesstokens;

/**
 * Why the validator answered {@link ErrorCode#INVALID_TOKEN}, for the host's counters only: callers
 * always see the same answer, whatever the cause.
 */
public enum RefusalCause {
  /**
   * Not a token: wrong prefix, length or characters, or a bad checksum. Never sent to the store.
   */
  MALFORMED,
  /** Well-formed, but no stored token has this value (never created, deleted, or guessed). */
  UNKNOWN,
  /** The token is Inactive. */
  INACTIVE,
  /**
   * The token's expiry ({@link AccessToken#expiresAt}) has passed, by the validator's clock. An
   * expired token that is also Inactive counts here.
   */
  EXPIRED,
  /** The token belongs to another organization than the connection's. */
  WRONG_ORGANIZATION,
  /** The token belongs to another environment than the connection's. */
  WRONG_ENVIRONMENT,
  /** The token's scope is not the one the connection asked for. */
  WRONG_SCOPE,
  /** The token's organization has no access to the application of its scope. */
  NOT_ENTITLED
}
