package io.accesstokens.internal;

import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks whose messages name the field and the rule it broke, never the value of a secret.
 */
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
   * Checks an identifier-like text against {@code pattern}, with a message that shows the value
   * only as {@link Redaction#quote} allows (printable, and never text that may hold a secret).
   */
  public static String identifier(
      @Nullable String value, String field, Pattern pattern, String rule) {
    return identifier(value, field, rule, pattern.asMatchPredicate());
  }

  /**
   * Checks an organization or environment id: 1 to 128 characters, letters, digits and {@code . _
   * : @ -}, starting with a letter or digit (ASCII only), and not token-shaped (see {@link
   * #notTokenShaped}), with a message that shows the value only as {@link Redaction#quote} allows.
   * A loop over the characters rather than a regular expression: every row a store reads builds two
   * of these, so a validation that goes to the store pays for them (a regular expression cost two
   * matcher allocations and a backtracking walk per id).
   */
  public static String identifier(@Nullable String value, String field, String rule) {
    notTokenShaped(notNull(value, field), field);
    return identifier(value, field, rule, Checks::isIdentifier);
  }

  private static String identifier(
      @Nullable String value, String field, String rule, Predicate<String> valid) {
    notNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (!valid.test(value)) {
      throw new IllegalArgumentException(
          field + " must be " + rule + ", but was " + Redaction.quote(value, 80));
    }
    return value;
  }

  /**
   * Refuses text that holds what is almost certainly a token value or a piece of its secret ({@link
   * Redaction#isTokenShaped}), with a message that says so without quoting it: a value pasted where
   * an id, an actor or a description belongs would otherwise be stored and shown in clear.
   */
  public static void notTokenShaped(String value, String field) {
    if (Redaction.isTokenShaped(value)) {
      throw new IllegalArgumentException(
          field
              + " must not hold a token value, but was "
              + Redaction.describe(value)
              + ": a token's value must never be stored as text; paste it only where a token is"
              + " expected");
    }
  }

  /**
   * Whether {@code value} is an identifier as {@link #identifier(String, String, String)} defines
   * it.
   */
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
}
