package io.accesstokens;

import io.accesstokens.internal.Base62;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;
import io.accesstokens.internal.TokenFormat;

/**
 * The non-secret handle of a token, used by every management call (copy, edit, status, delete). It
 * is also written inside the token value (see {@link TokenSecret}), which lets the validator find
 * and evict a token's cached answer by id alone. Knowing an id grants nothing.
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
   * @throws IllegalArgumentException if {@code text} is not 11 base62 characters holding a 64-bit
   *     value; the message says what is wrong by length and position and never quotes the text,
   *     which may be a token value pasted in the wrong place
   */
  public static TokenId parse(String text) {
    Checks.notNull(text, "token id");
    if (text.length() != LENGTH || !Base62.fitsUnsigned(text, 0, LENGTH)) {
      throw new IllegalArgumentException(
          "token id must be "
              + LENGTH
              + " base62 characters (0-9A-Za-z), but was "
              + whatIsWrong(text));
    }
    return new TokenId(Base62.readUncheckedUnsigned(text, 0, LENGTH));
  }

  /**
   * What is wrong with text that is not an id, without any of its characters that could be secret.
   */
  private static String whatIsWrong(String text) {
    if (text.length() != LENGTH) {
      String what = Redaction.describe(text);
      return TokenFormat.isWellFormed(text)
          ? what
              + "; a token's id is the "
              + LENGTH
              + " characters after "
              + TokenFormat.PREFIX
              + ", and its value must not be given where an id is expected"
          : what;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (Base62.value(text.charAt(i)) < 0) {
        return "text of "
            + LENGTH
            + " characters with U+"
            + String.format("%04X", (int) text.charAt(i))
            + " at index "
            + i;
      }
    }
    return LENGTH + " base62 characters whose value does not fit in 64 bits";
  }

  /** The 11-character text form. */
  @Override
  public String toString() {
    char[] out = new char[LENGTH];
    Base62.writeUnsigned(bits, out, 0, LENGTH);
    return new String(out);
  }
}
