package io.accesstokens;

import io.accesstokens.internal.TokenFormat;

/**
 * The secret digits of a value, packed into four words held in the entry itself: a hit compares
 * them without reading an array beside the entry (one memory access less on a large cache), in
 * constant time. The base of every validator entry ({@link CachedAnswer}, {@link CachedUnknown})
 * and of a lookup in flight, so that none can answer for another value with the same id. Never
 * printed: no subclass has a {@code toString()} that shows them.
 */
abstract class SecretWords {
  private final long secret0;
  private final long secret1;
  private final long secret2;
  private final long secret3;

  /** The words of {@code wellFormed}, which {@link TokenFormat#wellFormedId} accepted. */
  SecretWords(String wellFormed) {
    this(
        TokenFormat.secretWord(wellFormed, 0),
        TokenFormat.secretWord(wellFormed, 1),
        TokenFormat.secretWord(wellFormed, 2),
        TokenFormat.secretWord(wellFormed, 3));
  }

  SecretWords(long secret0, long secret1, long secret2, long secret3) {
    this.secret0 = secret0;
    this.secret1 = secret1;
    this.secret2 = secret2;
    this.secret3 = secret3;
  }

  /** Whether the well-formed {@code presented} has these secret digits; constant time. */
  final boolean matches(String presented) {
    return TokenFormat.secretEquals(presented, secret0, secret1, secret2, secret3);
  }
}
