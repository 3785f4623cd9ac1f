package io.accesstokens;

/** Why {@link TokenValidator} refused to open a connection. */
public enum ErrorCode {
  /**
   * The token is malformed, unknown, inactive, deleted, another organization's or environment's, of
   * another scope, or its organization has no access to the application. The caller cannot tell
   * which.
   */
  INVALID_TOKEN,
  /**
   * The validator could not get an answer from the store in time, so it failed closed. The token
   * may be valid; retry later.
   */
  STORE_UNAVAILABLE
}
