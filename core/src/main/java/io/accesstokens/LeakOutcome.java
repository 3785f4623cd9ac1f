package io.accesstokens;

/**
 * What {@link LeakResponse#revokeLeaked} did with one reported value. It never says whose token it
 * was: no organization, no environment, no id.
 */
public enum LeakOutcome {
  /** The value is a token that was active; it is now deactivated (or deleted). */
  REVOKED,
  /** The value is a token that was already inactive; it stays so (or is now deleted). */
  ALREADY_INACTIVE,
  /**
   * No token has this value: never issued, deleted, or a well-formed value whose secret part is
   * wrong for an existing token id (so a guess learns nothing about which ids exist).
   */
  NOT_FOUND,
  /** Not a token value at all: wrong prefix, length, alphabet or checksum (or null). */
  MALFORMED
}
