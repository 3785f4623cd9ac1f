package io.accesstokens.internal;

import io.accesstokens.TokenId;
import java.security.SecureRandom;

/**
 * Mints new token values: a random id and 32 uniformly random base62 digits from this thread's
 * CSPRNG.
 */
public final class TokenMint {
  private TokenMint() {}

  /** A new random id. */
  public static TokenId newId() {
    return newId(CryptoSupport.random());
  }

  /** A complete, well-formed value for {@code id}. */
  public static String newValue(TokenId id) {
    return newValue(id, CryptoSupport.random());
  }

  static TokenId newId(SecureRandom random) {
    return new TokenId(random.nextLong());
  }

  static String newValue(TokenId id, SecureRandom random) {
    char[] digits = new char[TokenFormat.SECRET_LENGTH];
    byte[] pool = new byte[48];
    int filled = 0;
    while (filled < digits.length) {
      random.nextBytes(pool);
      for (int i = 0; i < pool.length && filled < digits.length; i++) {
        // Rejection sampling keeps every digit uniform: 6 bits give 0..63, and 62, 63 are dropped.
        int candidate = pool[i] & 0x3F;
        if (candidate < 62) {
          digits[filled++] = Base62.digit(candidate);
        }
      }
    }
    return TokenFormat.compose(id, digits);
  }
}
