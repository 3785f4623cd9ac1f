package io.accesstokens.internal;

import org.jspecify.annotations.Nullable;

/**
 * The one rule for text that a person may have pasted a token value into: what counts as
 * token-shaped, and how a message shows text that might be.
 *
 * <p>Two questions, two predicates, both here so that every input check and every message of the
 * library and the console answers them the same way:
 *
 * <ul>
 *   <li>{@link #mayHoldSecret} (broad, for messages): could this text be a token value or a piece
 *       of one's secret? Text that may is never quoted; {@link #quote} and {@link #describe} show
 *       it by kind and length only. A false alarm costs a less helpful message, nothing more.
 *   <li>{@link #isTokenShaped} (narrow, for input): does this text hold something that is almost
 *       certainly a token value or its secret? Such text is refused as an organization id, an
 *       environment id, an actor or a description, so a pasted value is never stored. A false alarm
 *       would refuse legitimate data, so this one asks for more evidence.
 * </ul>
 */
public final class Redaction {
  private Redaction() {}

  /**
   * A run of this many base62 characters with at least two kinds of character (upper case, lower
   * case, digits) may be a piece of a secret, as far as messages are concerned: short enough that a
   * pasted half of a secret part (16 of its 32 characters) is caught, long enough that ordinary
   * words and the ids in this library's own messages (token ids are 11 characters) are still
   * quoted. A run of one kind only (a long number, a word in one case) is quoted: a 16-character
   * piece of a secret is of one kind with probability 1.8 in a million, a whole secret part
   * practically never.
   */
  public static final int MESSAGE_RUN = 16;

  /**
   * A run of this many base62 characters with upper-case letters, lower-case letters and digits all
   * present is taken, as input, for a secret (or a large piece of one). Measured on minted secrets
   * ({@code RedactionTest}): a 20-character piece of a secret lacks one of the three classes, and
   * so passes, with probability 2.97%, a whole 32-character secret part with probability 0.36%; a
   * value with its prefix is always caught by the prefix. Words, CamelCase names, e-mail addresses,
   * hexadecimal ids and UUIDs (hex digits and one case of letters only) are not refused.
   *
   * <p>The cost: a random base62 id of 20 or more characters is refused as an organization id, an
   * environment id or an actor, since nothing tells it from a piece of a secret (Firestore's
   * 20-character document ids, the 27 characters after {@code org_} in some identity providers'
   * ids). Hosts with such ids map them to their own names first.
   */
  public static final int INPUT_RUN = 20;

  /**
   * Whether {@code text} contains the token prefix ({@code atk_}, in any case) or a run of {@value
   * #MESSAGE_RUN} or more base62 characters of at least two kinds: text a message must not quote.
   */
  public static boolean mayHoldSecret(CharSequence text) {
    return hasPrefix(text) || longestRun(text, 2) >= MESSAGE_RUN;
  }

  /**
   * Whether {@code text} holds what is almost certainly a token value or a secret: the token prefix
   * ({@code atk_}, in any case) followed by a base62 character, or a run of {@value #INPUT_RUN} or
   * more base62 characters mixing upper case, lower case and digits. Refused as an id, an actor or
   * a description.
   */
  public static boolean isTokenShaped(CharSequence text) {
    return hasPrefixAndDigit(text) || longestRun(text, 3) >= INPUT_RUN;
  }

  /**
   * {@code text} as a message may show it: quoted, with control characters escaped and at most
   * {@code maxChars} characters, when it cannot hold a secret (see {@link #mayHoldSecret});
   * otherwise only its kind and length, for example {@code a token value (53 characters)}.
   */
  public static String quote(@Nullable CharSequence text, int maxChars) {
    if (text == null) {
      return "null";
    }
    if (mayHoldSecret(text)) {
      return describe(text);
    }
    return printable(text, maxChars);
  }

  /**
   * An identifier that already passed its own rule (no white space, no control characters) as a
   * message may show it: itself, unquoted, when it cannot hold a secret, else {@link #describe}.
   */
  public static String shown(@Nullable CharSequence identifier) {
    return identifier == null
        ? "null"
        : mayHoldSecret(identifier) ? describe(identifier) : identifier.toString();
  }

  /**
   * {@code text} by kind and length only, never any of its characters: {@code a token value (53
   * characters)} for a well-formed value, {@code token-shaped text (N characters)} for other text
   * that may hold a secret, {@code text of N characters} for the rest. For inputs that are never
   * quoted, such as cursors and token ids.
   */
  public static String describe(@Nullable CharSequence text) {
    if (text == null) {
      return "null";
    }
    int length = text.length();
    String unit = length == 1 ? " character" : " characters";
    if (length == TokenFormat.LENGTH && TokenFormat.isWellFormed(text.toString())) {
      return "a token value (" + length + unit + ")";
    }
    if (mayHoldSecret(text)) {
      return "token-shaped text (" + length + unit + ")";
    }
    return "text of " + length + unit;
  }

  /**
   * A quoted, length-capped form of text known to hold no secret: control characters, line and
   * paragraph separators, bidirectional controls and lone surrogates are escaped, so the result is
   * one line that renders as what it is.
   */
  static String printable(CharSequence value, int maxChars) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxChars) + 8).append('"');
    int shown = 0;
    for (int i = 0; i < value.length() && shown < maxChars; i++, shown++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) || isLineBreakOrBidi(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
    if (value.length() > maxChars) {
      out.append("... (").append(value.length()).append(" characters)");
    }
    return out.toString();
  }

  /**
   * Whether {@code c} breaks a line for tools that follow Unicode (U+2028, U+2029; NEL, U+0085, is
   * an ISO control character and refused as one) or changes the direction text is shown in (U+061C,
   * U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): characters that would let one record look like
   * two, or a row like another.
   */
  public static boolean isLineBreakOrBidi(char c) {
    return c == '\u2028'
        || c == '\u2029'
        || c == '\u061c'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }

  /** The index of the first character {@link #isLineBreakOrBidi} holds for, or -1. */
  public static int indexOfLineBreakOrBidi(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (isLineBreakOrBidi(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean hasPrefix(CharSequence text) {
    return indexOfPrefix(text, 0) >= 0;
  }

  private static boolean hasPrefixAndDigit(CharSequence text) {
    for (int at = indexOfPrefix(text, 0); at >= 0; at = indexOfPrefix(text, at + 1)) {
      int next = at + TokenFormat.PREFIX.length();
      if (next < text.length() && isBase62(text.charAt(next))) {
        return true;
      }
    }
    return false;
  }

  /** Where {@code atk_} starts, in any case, at or after {@code from}; -1 if nowhere. */
  private static int indexOfPrefix(CharSequence text, int from) {
    String prefix = TokenFormat.PREFIX;
    for (int i = from; i + prefix.length() <= text.length(); i++) {
      boolean match = true;
      for (int k = 0; k < prefix.length() && match; k++) {
        match = Character.toLowerCase(text.charAt(i + k)) == prefix.charAt(k);
      }
      if (match) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The length of the longest run of base62 characters that has at least {@code kinds} of the three
   * kinds: upper-case letters, lower-case letters, digits.
   */
  private static int longestRun(CharSequence text, int kinds) {
    int longest = 0;
    int run = 0;
    int classes = 0;
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      if (isBase62(c)) {
        run++;
        classes |= c <= '9' ? 1 : c <= 'Z' ? 2 : 4;
      } else {
        if (Integer.bitCount(classes) >= kinds && run > longest) {
          longest = run;
        }
        run = 0;
        classes = 0;
      }
    }
    return longest;
  }

  private static boolean isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
