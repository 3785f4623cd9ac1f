package io.accesstokens;

/**
 * A well-formed value the store did not know, as of when it was read: what a validator's negative
 * cache holds, so that repeating a guess does not reach the store until {@link #expiresAt}.
 */
final class CachedUnknown extends SecretWords {
  /** Ticker time from which this entry must not be used. */
  final long expiresAt;

  CachedUnknown(String presented, long expiresAt) {
    super(presented);
    this.expiresAt = expiresAt;
  }
}
