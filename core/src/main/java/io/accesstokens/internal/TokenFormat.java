package io.accesstokens.internal;

import io.accesstokens.TokenId;

/**
 * The token value format, fixed once tokens are issued:
 *
 * <pre>
 *   atk_ IIIIIIIIIII SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS CCCCCC
 *   |    |           |                                |
 *   |    |           |                                CRC32 of the 47 characters before it, 6 base62 digits
 *   |    |           32 base62 characters from a CSPRNG: 190 random bits, the secret
 *   |    the token id, 11 base62 digits of 64 bits (not secret)
 *   prefix, so scanners and people recognise the value
 * </pre>
 *
 * <p>Every token is exactly {@value #LENGTH} ASCII characters. The checksum lets anything that sees a
 * value (the validator, a secret scanner, a support engineer) reject a mistyped or truncated one
 * without a lookup; it is not a security measure. The masked form shows the prefix and the last four
 * characters, which come from the checksum and so reveal nothing of the random part beyond it.
 */
public final class TokenFormat {
  private TokenFormat() {}

  public static final String PREFIX = "atk_";
  public static final int ID_OFFSET = PREFIX.length();
  public static final int SECRET_OFFSET = ID_OFFSET + TokenId.LENGTH;
  public static final int SECRET_LENGTH = 32;
  public static final int CHECKSUM_OFFSET = SECRET_OFFSET + SECRET_LENGTH;
  public static final int CHECKSUM_LENGTH = 6;
  /** Every token value is exactly this many characters. */
  public static final int LENGTH = CHECKSUM_OFFSET + CHECKSUM_LENGTH;

  private static final int[] CRC_TABLE = new int[256];

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLE[n] = c;
    }
  }

  /**
   * Whether {@code value} has the prefix, the length, base62 characters throughout, an id that fits
   * in 64 bits and a matching checksum. Costs one pass over the value and no allocation.
   */
  public static boolean isWellFormed(String value) {
    if (value.length() != LENGTH || !value.startsWith(PREFIX)) {
      return false;
    }
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < ID_OFFSET; i++) {
      crc = CRC_TABLE[(crc ^ value.charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    for (int i = ID_OFFSET; i < CHECKSUM_OFFSET; i++) {
      char c = value.charAt(i);
      if (Base62.value(c) < 0) {
        return false;
      }
      crc = CRC_TABLE[(crc ^ c) & 0xFF] ^ (crc >>> 8);
    }
    long checksum = 0;
    for (int i = CHECKSUM_OFFSET; i < LENGTH; i++) {
      int d = Base62.value(value.charAt(i));
      if (d < 0) {
        return false;
      }
      checksum = checksum * 62 + d;
    }
    return checksum == Integer.toUnsignedLong(~crc)
        && Base62.fitsUnsigned(value, ID_OFFSET, TokenId.LENGTH);
  }

  /** The id bits of a value that {@link #isWellFormed} accepted. */
  public static long idBits(String wellFormed) {
    return Base62.readUncheckedUnsigned(wellFormed, ID_OFFSET, TokenId.LENGTH);
  }

  /** Builds a complete value from an id and {@value #SECRET_LENGTH} secret digits. */
  public static String compose(TokenId id, char[] secretDigits) {
    Checks.argument(secretDigits.length == SECRET_LENGTH, "secret must have 32 digits");
    char[] out = new char[LENGTH];
    PREFIX.getChars(0, ID_OFFSET, out, 0);
    Base62.writeUnsigned(id.bits(), out, ID_OFFSET, TokenId.LENGTH);
    System.arraycopy(secretDigits, 0, out, SECRET_OFFSET, SECRET_LENGTH);
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < CHECKSUM_OFFSET; i++) {
      crc = CRC_TABLE[(crc ^ out[i]) & 0xFF] ^ (crc >>> 8);
    }
    Base62.writeUnsigned(Integer.toUnsignedLong(~crc), out, CHECKSUM_OFFSET, CHECKSUM_LENGTH);
    return new String(out);
  }

  /** The display form: prefix, an ellipsis and the last four characters. */
  public static String mask(String wellFormed) {
    return PREFIX + "\u2026" + wellFormed.substring(LENGTH - 4);
  }

  /** The secret digits of a well-formed value as ASCII bytes, what a validator cache keeps to compare. */
  public static byte[] secretBytes(String wellFormed) {
    byte[] out = new byte[SECRET_LENGTH];
    for (int i = 0; i < SECRET_LENGTH; i++) {
      out[i] = (byte) wellFormed.charAt(SECRET_OFFSET + i);
    }
    return out;
  }

  /**
   * Compares the secret digits of a well-formed value with {@code expected} in time that depends
   * only on the length, never on where they differ.
   */
  public static boolean secretEquals(String wellFormed, byte[] expected) {
    int diff = 0;
    for (int i = 0; i < SECRET_LENGTH; i++) {
      diff |= wellFormed.charAt(SECRET_OFFSET + i) ^ expected[i];
    }
    return diff == 0;
  }
}
