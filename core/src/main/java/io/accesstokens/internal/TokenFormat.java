package io.accesstokens.internal;

import io.accesstokens.TokenId;
import org.jspecify.annotations.Nullable;

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
 * <p>Every token is exactly 53 ASCII characters ({@link #LENGTH}). The checksum lets anything that
 * sees a value (the validator, a secret scanner, a support engineer) reject a mistyped or truncated
 * one without a lookup; it is not a security measure. Being computed from the secret, the checksum
 * is never shown: the masked form ({@link #mask}) is the prefix and the id, which are not secret.
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

  /**
   * CRC32 (the zip/PNG polynomial, reflected) lookup tables for slicing by 8: table {@code k} at
   * {@code k * 256}. Table 0 is the classic byte-at-a-time table; table {@code k} advances a byte
   * {@code k} further positions, so eight bytes cost eight independent lookups instead of a chain
   * of eight dependent ones.
   */
  private static final int[] CRC_TABLES = new int[8 * 256];

  /** The CRC register after the prefix, which every well-formed value starts with. */
  private static final int CRC_AFTER_PREFIX;

  /**
   * Ids whose first digit is below this always fit in 64 bits: 11 digits starting with a smaller
   * digit are less than {@code ID_ALWAYS_FITS_BELOW * 62^10 <= 2^64}.
   */
  private static final int ID_ALWAYS_FITS_BELOW;

  static {
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      CRC_TABLES[n] = c;
    }
    for (int k = 1; k < 8; k++) {
      for (int n = 0; n < 256; n++) {
        int previous = CRC_TABLES[(k - 1) * 256 + n];
        CRC_TABLES[k * 256 + n] = (previous >>> 8) ^ CRC_TABLES[previous & 0xFF];
      }
    }
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < ID_OFFSET; i++) {
      crc = CRC_TABLES[(crc ^ PREFIX.charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    CRC_AFTER_PREFIX = crc;
    long pow = 1;
    for (int k = 1; k < TokenId.LENGTH; k++) {
      pow *= 62;
    }
    // floor((2^64 - 1) / 62^10) = 21: every id below 21 * 62^10 fits, and 21 * 62^10 - 1 < 2^64 -
    // 1.
    ID_ALWAYS_FITS_BELOW = (int) Long.divideUnsigned(-1L, pow);
  }

  /**
   * Whether {@code value} has the prefix, the length, base62 characters throughout, an id that fits
   * in 64 bits and a matching checksum. Costs no allocation.
   *
   * <p>Runs on every validation, so it reads each character once, in one pass that checks the
   * characters (accumulated, one branch at the end instead of one per character) and updates the
   * CRC eight characters per step (slicing by 8: eight independent table lookups instead of a chain
   * of eight dependent ones). The id's 64-bit range needs a look only when its first digit is the
   * largest one a 64-bit id can start with.
   */
  public static boolean isWellFormed(String value) {
    return wellFormedId(value) != null;
  }

  /**
   * The id of {@code value} if it is well-formed (see {@link #isWellFormed}), or {@code null}: the
   * check and the id the validator needs first, in one pass.
   */
  public static @Nullable TokenId wellFormedId(String value) {
    if (value.length() != LENGTH || !value.startsWith(PREFIX)) {
      return null;
    }
    int[] t = CRC_TABLES;
    int crc = CRC_AFTER_PREFIX;
    int seen = 0;
    int digits = 0;
    int i = ID_OFFSET;
    for (; i + 8 <= CHECKSUM_OFFSET; i += 8) {
      int c0 = value.charAt(i);
      int c1 = value.charAt(i + 1);
      int c2 = value.charAt(i + 2);
      int c3 = value.charAt(i + 3);
      int c4 = value.charAt(i + 4);
      int c5 = value.charAt(i + 5);
      int c6 = value.charAt(i + 6);
      int c7 = value.charAt(i + 7);
      seen |= c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7;
      digits |=
          Base62.valueOfAscii(c0)
              | Base62.valueOfAscii(c1)
              | Base62.valueOfAscii(c2)
              | Base62.valueOfAscii(c3)
              | Base62.valueOfAscii(c4)
              | Base62.valueOfAscii(c5)
              | Base62.valueOfAscii(c6)
              | Base62.valueOfAscii(c7);
      int low = crc ^ ((c0 & 0xFF) | (c1 & 0xFF) << 8 | (c2 & 0xFF) << 16 | (c3 & 0xFF) << 24);
      crc =
          t[7 * 256 + (low & 0xFF)]
              ^ t[6 * 256 + ((low >>> 8) & 0xFF)]
              ^ t[5 * 256 + ((low >>> 16) & 0xFF)]
              ^ t[4 * 256 + (low >>> 24)]
              ^ t[3 * 256 + (c4 & 0xFF)]
              ^ t[2 * 256 + (c5 & 0xFF)]
              ^ t[256 + (c6 & 0xFF)]
              ^ t[c7 & 0xFF];
    }
    for (; i < CHECKSUM_OFFSET; i++) {
      int c = value.charAt(i);
      seen |= c;
      digits |= Base62.valueOfAscii(c);
      crc = t[(crc ^ c) & 0xFF] ^ (crc >>> 8);
    }
    long checksum = 0;
    for (; i < LENGTH; i++) {
      int c = value.charAt(i);
      seen |= c;
      int d = Base62.valueOfAscii(c);
      digits |= d;
      checksum = checksum * 62 + d;
    }
    // Read before the verdict so that it overlaps with the checks; meaningful only if they pass.
    long id = readId(value);
    // Any character of 128 or more, or any ASCII character outside the alphabet (value -1), fails
    // here; only then are the checksum and the id's digits meaningful.
    boolean wellFormed =
        seen < 128
            && digits >= 0
            && checksum == Integer.toUnsignedLong(~crc)
            && (Base62.valueOfAscii(value.charAt(ID_OFFSET)) < ID_ALWAYS_FITS_BELOW
                || Base62.fitsUnsigned(value, ID_OFFSET, TokenId.LENGTH));
    return wellFormed ? new TokenId(id) : null;
  }

  /**
   * The 11 id digits as an unsigned 64-bit value, in two independent halves (5 and 6 digits) joined
   * at the end, which halves the chain of dependent multiplications. Any input gives some value; it
   * is the id only when the digits were checked.
   */
  private static long readId(String value) {
    long high = 0;
    for (int i = ID_OFFSET; i < ID_OFFSET + 5; i++) {
      high = high * 62 + Base62.valueOfAscii(value.charAt(i));
    }
    long low = 0;
    for (int i = ID_OFFSET + 5; i < ID_OFFSET + TokenId.LENGTH; i++) {
      low = low * 62 + Base62.valueOfAscii(value.charAt(i));
    }
    // 62^6: multiplied and added modulo 2^64, which is the exact value whenever it fits.
    return high * 56_800_235_584L + low;
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
    // One byte at a time with table 0: the plain definition (minting is not a hot path).
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < CHECKSUM_OFFSET; i++) {
      crc = CRC_TABLES[(crc ^ out[i]) & 0xFF] ^ (crc >>> 8);
    }
    Base62.writeUnsigned(Integer.toUnsignedLong(~crc), out, CHECKSUM_OFFSET, CHECKSUM_LENGTH);
    return new String(out);
  }

  /**
   * The display form of token {@code id}'s value: the prefix, the id and an ellipsis, for example
   * {@code atk_3QthUyX9wl7…}. Nothing in it is derived from the secret. (Earlier versions showed
   * the last four characters instead: the tail of the checksum, a function of the secret, which
   * together with a quoted piece of a value narrowed its missing characters to a few that could be
   * tried.)
   */
  public static String mask(TokenId id) {
    return PREFIX + id + "\u2026";
  }

  /**
   * The secret digits of a well-formed value as ASCII bytes, what a validator cache keeps to
   * compare.
   */
  public static byte[] secretBytes(String wellFormed) {
    byte[] out = new byte[SECRET_LENGTH];
    for (int i = 0; i < SECRET_LENGTH; i++) {
      out[i] = (byte) wellFormed.charAt(SECRET_OFFSET + i);
    }
    return out;
  }

  /** 64-bit words the secret digits pack into, eight ASCII digits each. */
  public static final int SECRET_WORDS = SECRET_LENGTH / 8;

  /**
   * Secret digits {@code 8 * word} to {@code 8 * word + 7} of a well-formed value, one byte each
   * (the digits are ASCII, so the packing loses nothing): what a validator cache keeps to compare,
   * in the entry itself rather than in an array beside it.
   */
  public static long secretWord(String wellFormed, int word) {
    int at = SECRET_OFFSET + 8 * word;
    return (wellFormed.charAt(at) & 0xFFL)
        | (wellFormed.charAt(at + 1) & 0xFFL) << 8
        | (wellFormed.charAt(at + 2) & 0xFFL) << 16
        | (wellFormed.charAt(at + 3) & 0xFFL) << 24
        | (wellFormed.charAt(at + 4) & 0xFFL) << 32
        | (wellFormed.charAt(at + 5) & 0xFFL) << 40
        | (wellFormed.charAt(at + 6) & 0xFFL) << 48
        | (wellFormed.charAt(at + 7) & 0xFFL) << 56;
  }

  /**
   * Compares the secret digits of a well-formed value with the words {@link #secretWord} gave for
   * the expected value, in time that depends on neither value (no branch on the data).
   */
  public static boolean secretEquals(String wellFormed, long w0, long w1, long w2, long w3) {
    long diff =
        (secretWord(wellFormed, 0) ^ w0)
            | (secretWord(wellFormed, 1) ^ w1)
            | (secretWord(wellFormed, 2) ^ w2)
            | (secretWord(wellFormed, 3) ^ w3);
    return diff == 0;
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
