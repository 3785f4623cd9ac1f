package io.accesstokens;

import io.accesstokens.internal.Base62;
import io.accesstokens.internal.Checks;

/**
 * The non-secret handle of a token, used by every management call (copy, edit, status, delete). It is
 * also written inside the token value (see {@link TokenSecret}), which lets the validator find and
 * evict a token's cached answer by id alone. Knowing an id grants nothing.
 *
 * <p>Written as exactly 11 base62 characters ({@code 0-9A-Za-z}), which hold 64 random bits.
 *
 * @param bits the 64 bits of the id
 */
public record TokenId(long bits) {
  /** Characters in the text form of an id. */
  public static final int LENGTH = 11;

  /**
   * Reads the text form of an id.
   *
   * @throws IllegalArgumentException if {@code text} is not 11 base62 characters holding a 64-bit value
   */
  public static TokenId parse(String text) {
    Checks.notNull(text, "token id");
    if (text.length() != LENGTH || !Base62.fitsUnsigned(text, 0, LENGTH)) {
      throw new IllegalArgumentException(
          "token id must be " + LENGTH + " base62 characters (0-9A-Za-z), but was "
              + Checks.printable(text, 40));
    }
    return new TokenId(Base62.readUncheckedUnsigned(text, 0, LENGTH));
  }

  /** The 11-character text form. */
  @Override
  public String toString() {
    char[] out = new char[LENGTH];
    Base62.writeUnsigned(bits, out, 0, LENGTH);
    return new String(out);
  }
}
