package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.util.regex.Pattern;

/**
 * The organization a call acts in, as the host names it (for example the platform's organization id).
 *
 * @param value 1 to 128 characters: letters, digits and {@code . _ : @ -}, starting with a letter or
 *     digit
 */
public record OrganizationId(String value) {
  static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  static final String RULE =
      "1 to 128 letters, digits or . _ : @ - starting with a letter or digit";

  /** @throws IllegalArgumentException if {@code value} breaks the rule above */
  public OrganizationId {
    Checks.identifier(value, "organization id", PATTERN, RULE);
  }

  /** Same as the constructor. */
  public static OrganizationId of(String value) {
    return new OrganizationId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
