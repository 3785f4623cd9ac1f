package io.accesstokens.internal;

import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Argument checks whose messages name the field and the rule it broke, never the value of a secret. */
public final class Checks {
  private Checks() {}

  /** Returns {@code value}, or throws a {@link NullPointerException} naming {@code field}. */
  @Contract("null, _ -> fail")
  public static <T> T notNull(@Nullable T value, String field) {
    if (value == null) {
      throw new NullPointerException(field + " must not be null");
    }
    return value;
  }

  /**
   * Checks an identifier-like text against {@code pattern}, with a message that quotes the value
   * (identifiers are not secret) in a printable form.
   */
  public static String identifier(@Nullable String value, String field, Pattern pattern, String rule) {
    return identifier(value, field, rule, pattern.asMatchPredicate());
  }

  /**
   * Checks an organization or environment id: 1 to 128 characters, letters, digits and
   * {@code . _ : @ -}, starting with a letter or digit (ASCII only), with a message that quotes the
   * value in a printable form. A loop over the characters rather than a regular expression: every
   * row a store reads builds two of these, so a validation that goes to the store pays for them (a
   * regular expression cost two matcher allocations and a backtracking walk per id).
   */
  public static String identifier(@Nullable String value, String field, String rule) {
    return identifier(value, field, rule, Checks::isIdentifier);
  }

  private static String identifier(@Nullable String value, String field, String rule, Predicate<String> valid) {
    notNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (!valid.test(value)) {
      throw new IllegalArgumentException(
          field + " must be " + rule + ", but was " + printable(value, 80));
    }
    return value;
  }

  /** Whether {@code value} is an identifier as {@link #identifier(String, String, String)} defines it. */
  public static boolean isIdentifier(String value) {
    int length = value.length();
    if (length < 1 || length > 128 || !isAsciiLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = value.charAt(i);
      if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != ':' && c != '@' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Throws an {@link IllegalArgumentException} with {@code message} unless {@code condition}. */
  @Contract("false, _ -> fail")
  public static void argument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Throws an {@link IllegalStateException} with {@code message} unless {@code condition}. */
  @Contract("false, _ -> fail")
  public static void state(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /**
   * A quoted, length-capped form of a non-secret value for an error message: control characters and
   * lone surrogates are escaped so a message never carries them into a log.
   */
  public static String printable(String value, int maxChars) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxChars) + 8).append('"');
    int shown = 0;
    for (int i = 0; i < value.length() && shown < maxChars; i++, shown++) {
      char c = value.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
    if (value.length() > maxChars) {
      out.append("... (").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
