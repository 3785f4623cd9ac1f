package io.accesstokens.cli;

import io.accesstokens.internal.Redaction;

/**
 * Text from a person or the database (a description, an actor), written so that it is one line and
 * renders as what it is: control characters (tab, line breaks, NEL, escape sequences), the line and
 * paragraph separators, bidirectional controls ({@link Redaction#isLineBreakOrBidi}) and lone
 * surrogates are written as {@code \\uXXXX}. The library may refuse most of them on input; rows
 * stored before it did, or by a host, may still hold them, so every output escapes anyway.
 */
final class ConsoleText {
  private ConsoleText() {}

  /** For the terminal (table cells, sentences, prompts). A backslash is shown as it is. */
  static String forTerminal(String text) {
    return escape(text, false);
  }

  /**
   * For a field of a record (audit.log): as {@link #forTerminal}, and a backslash doubled, so that
   * the escape of a character and the same six characters typed are told apart and a field reads
   * back exactly.
   */
  static String forRecord(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean backslash) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(i + 1));
      boolean escaped =
          Character.isISOControl(c)
              || Redaction.isLineBreakOrBidi(c)
              || (Character.isSurrogate(c) && !pair);
      boolean doubled = backslash && c == '\\';
      if (out == null) {
        if (!escaped && !doubled) {
          i += pair ? 1 : 0; // text that needs no escape is copied only once one comes
          continue;
        }
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (escaped) {
        out.append(String.format("\\u%04x", (int) c));
      } else if (doubled) {
        out.append("\\\\");
      } else if (pair) {
        out.append(c).append(text.charAt(i + 1));
        i++;
      } else {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
