package io.accesstokens.spi;

/**
 * The argument check of the SPI's records. The SPI is what a host implements, so it depends on the
 * API and the JDK only, never on the library's {@code internal} package; null checks use {@link
 * java.util.Objects#requireNonNull(Object, String)} with the library's usual message ("X must not
 * be null").
 */
final class SpiChecks {
  private SpiChecks() {}

  /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  static void argument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A token limit: at least 0 ({@link TokenLimits#UNLIMITED} is the largest). */
  static long maxTokens(long maxTokens) {
    argument(
        maxTokens >= 0,
        "a token limit must not be negative (0 refuses every create), was " + maxTokens);
    return maxTokens;
  }
}
