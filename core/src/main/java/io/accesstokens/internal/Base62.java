package io.accesstokens.internal;

/** The alphabet {@code 0-9A-Za-z} and the fixed-width encodings the token format uses. */
public final class Base62 {
  private Base62() {}

  static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  /** Digit value of each ASCII character, or -1 when it is not a base62 digit. */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = (byte) i;
    }
  }

  /** The largest unsigned 64-bit value, divided by 62, and the remainder. */
  private static final long MAX_DIV_62 = Long.divideUnsigned(-1L, 62);

  private static final int MAX_REM_62 = (int) Long.remainderUnsigned(-1L, 62);

  /** The digit value of {@code c}, or -1 when {@code c} is not in the alphabet. */
  public static int value(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /**
   * The digit value of the low seven bits of {@code c}, or -1 when they are not in the alphabet;
   * for loops that check separately that every character is below 128.
   */
  static int valueOfAscii(int c) {
    return VALUES[c & 0x7F];
  }

  /** The digit for {@code value} in {@code [0, 62)}. */
  public static char digit(int value) {
    return ALPHABET[value];
  }

  /**
   * Writes {@code value}, read as unsigned, as exactly {@code width} digits, most significant
   * first.
   */
  public static void writeUnsigned(long value, char[] out, int offset, int width) {
    long rest = value;
    for (int i = offset + width - 1; i >= offset; i--) {
      out[i] = ALPHABET[(int) Long.remainderUnsigned(rest, 62)];
      rest = Long.divideUnsigned(rest, 62);
    }
    if (rest != 0) {
      throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
    }
  }

  /**
   * Reads {@code width} digits at {@code offset} as an unsigned 64-bit value. The caller has
   * checked them with {@link #fitsUnsigned} or {@link TokenFormat#isWellFormed}; other input gives
   * garbage.
   */
  public static long readUncheckedUnsigned(CharSequence text, int offset, int width) {
    long value = 0;
    for (int i = offset; i < offset + width; i++) {
      value = value * 62 + VALUES[text.charAt(i)];
    }
    return value;
  }

  /**
   * Whether {@code width} digits at {@code offset} are all base62 and their value fits in an
   * unsigned 64-bit number.
   */
  public static boolean fitsUnsigned(CharSequence text, int offset, int width) {
    long value = 0;
    for (int i = offset; i < offset + width; i++) {
      int d = value(text.charAt(i));
      if (d < 0) {
        return false;
      }
      // value * 62 + d must not exceed 2^64 - 1 = 62 * MAX_DIV_62 + MAX_REM_62, compared as
      // unsigned:
      // the same test as value <= (2^64 - 1 - d) / 62, without a division per digit.
      int over = Long.compareUnsigned(value, MAX_DIV_62);
      if (over > 0 || (over == 0 && d > MAX_REM_62)) {
        return false;
      }
      value = value * 62 + d;
    }
    return true;
  }
}
