package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Redaction;

/**
 * Who performs a change, as the host names them (a user name, an email, a service account). Carried
 * into audit events and the change record; never used for authorization, which is the host's job.
 *
 * @param name 1 to 256 characters (Unicode code points), not blank; no control characters (NEL,
 *     U+0085, included), line or paragraph separators or bidirectional controls, which would let
 *     one audit record look like two or render as another; and nothing that looks like a token
 *     value (a value pasted here would be written into every audit record of the change)
 */
public record Actor(String name) {
  /** The longest name, in Unicode code points. */
  static final int MAX_CODE_POINTS = 256;

  private static final String RULE =
      "1 to 256 characters without control characters, line or paragraph separators or"
          + " bidirectional controls";

  /**
   * @throws IllegalArgumentException if {@code name} is blank, too long, has a character the rule
   *     above excludes (named by code point and index) or looks like a token value; the message
   *     never quotes the name
   */
  public Actor {
    Checks.notNull(name, "actor name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("actor name must not be blank");
    }
    // Guard the walks below against a huge string.
    if (name.length() > 2 * MAX_CODE_POINTS) {
      throw tooLong(name.codePointCount(0, name.length()));
    }
    Checks.notTokenShaped(name, "actor name");
    int codePoints = 0;
    for (int i = 0; i < name.length(); i++, codePoints++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < name.length()
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "actor name must be valid Unicode, but has a lone surrogate at index " + i);
      } else if (Character.isISOControl(c) || Redaction.isLineBreakOrBidi(c)) {
        throw new IllegalArgumentException(
            "actor name must be "
                + RULE
                + ", but has U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i);
      }
    }
    if (codePoints > MAX_CODE_POINTS) {
      throw tooLong(codePoints);
    }
  }

  private static IllegalArgumentException tooLong(int codePoints) {
    return new IllegalArgumentException(
        "actor name must be " + RULE + ", but has " + codePoints + " characters");
  }

  /** Same as the constructor. */
  public static Actor of(String name) {
    return new Actor(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
