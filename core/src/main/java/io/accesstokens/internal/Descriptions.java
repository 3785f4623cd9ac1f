package io.accesstokens.internal;

import org.jspecify.annotations.Nullable;

/**
 * The rule for the Description column, the same on every store: at most {@value #MAX_CODE_POINTS}
 * Unicode code points (not UTF-16 units, not bytes), no control characters (NEL, U+0085, included),
 * no lone surrogates; and, for what callers give ({@link #normalize}), no line or paragraph
 * separators or bidirectional controls ({@link Redaction#isLineBreakOrBidi}: they let a row, a
 * prompt or an audit record render as something else) and nothing that looks like a token value
 * ({@link Redaction#isTokenShaped}: a value pasted as a description would be stored and listed in
 * clear).
 */
public final class Descriptions {
  private Descriptions() {}

  /** The longest description, counted in Unicode code points. */
  public static final int MAX_CODE_POINTS = 256;

  /**
   * The description a caller gave, normalised: {@code null}, empty and blank all mean "no
   * description" and become {@code null}; anything else is kept exactly.
   *
   * @throws IllegalArgumentException naming the rule the text breaks, never quoting it
   */
  public static @Nullable String normalize(@Nullable String description) {
    return normalize(description, "description");
  }

  /**
   * The reason a caller gave for a leak report, checked by the rule of descriptions: required (not
   * blank), at most {@value #MAX_CODE_POINTS} code points, and never token-shaped.
   *
   * @throws IllegalArgumentException naming the rule the text breaks, never quoting it
   */
  public static String reason(@Nullable String reason) {
    String checked = normalize(reason, "reason");
    if (checked == null) {
      throw new IllegalArgumentException("reason must not be blank");
    }
    return checked;
  }

  private static @Nullable String normalize(@Nullable String description, String field) {
    if (description == null || description.isBlank()) {
      return null;
    }
    check(description, field);
    int at = Redaction.indexOfLineBreakOrBidi(description);
    if (at >= 0) {
      throw new IllegalArgumentException(
          field
              + " must not contain line or paragraph separators or bidirectional controls, but"
              + " has U+"
              + String.format("%04X", (int) description.charAt(at))
              + " at index "
              + at);
    }
    Checks.notTokenShaped(description, field);
    return description;
  }

  /**
   * A stored description as the library shows it: itself; or, if it looks like a token value
   * (stored before {@link #normalize} refused such text, or by another program), a note in its
   * place that gives only its kind and length; with any line or paragraph separator or
   * bidirectional control (refused since) replaced by U+FFFD. A row read from a store never shows a
   * pasted value, and renders as what it is.
   */
  public static @Nullable String shown(@Nullable String stored) {
    if (stored == null) {
      return null;
    }
    if (Redaction.isTokenShaped(stored)) {
      return "[hidden: " + Redaction.describe(stored) + "]";
    }
    if (Redaction.indexOfLineBreakOrBidi(stored) < 0) {
      return stored;
    }
    StringBuilder out = new StringBuilder(stored.length());
    for (int i = 0; i < stored.length(); i++) {
      char c = stored.charAt(i);
      out.append(Redaction.isLineBreakOrBidi(c) ? '\uFFFD' : c);
    }
    return out.toString();
  }

  /** Throws an {@link IllegalArgumentException} naming the rule a non-null description breaks. */
  public static void check(@Nullable String description) {
    check(description, "description");
  }

  private static void check(@Nullable String description, String field) {
    if (description == null) {
      return;
    }
    // Guard the count below against a huge string before walking it.
    if (description.length() > 2 * MAX_CODE_POINTS) {
      throw tooLong(description.codePointCount(0, description.length()), field);
    }
    int codePoints = 0;
    for (int i = 0; i < description.length(); i++) {
      char c = description.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= description.length() || !Character.isLowSurrogate(description.charAt(i + 1))) {
          throw new IllegalArgumentException(
              field + " must be valid Unicode, but has a lone surrogate at index " + i);
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException(
            field + " must be valid Unicode, but has a lone surrogate at index " + i);
      } else if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            field
                + " must not contain control characters, but has U+"
                + String.format("%04X", (int) c)
                + " at index "
                + i);
      }
      codePoints++;
    }
    if (codePoints > MAX_CODE_POINTS) {
      throw tooLong(codePoints, field);
    }
    if (description.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank (use none instead)");
    }
  }

  private static IllegalArgumentException tooLong(int codePoints, String field) {
    return new IllegalArgumentException(
        field + " must be at most " + MAX_CODE_POINTS + " characters, but has " + codePoints);
  }
}
