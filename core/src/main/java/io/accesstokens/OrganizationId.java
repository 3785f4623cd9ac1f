package io.accesstokens;

import io.accesstokens.internal.Checks;

/**
 * The organization a call acts in, as the host names it (for example the platform's organization
 * id).
 *
 * @param value 1 to 128 characters: letters, digits and {@code . _ : @ -}, starting with a letter
 *     or digit
 */
public record OrganizationId(String value) {
  /**
   * The rule, as the message of a refused id states it ({@code
   * [A-Za-z0-9][A-Za-z0-9._:@-]{0,127}}).
   */
  static final String RULE =
      "1 to 128 letters, digits or . _ : @ - starting with a letter or digit";

  /**
   * @throws IllegalArgumentException if {@code value} breaks the rule above
   */
  public OrganizationId {
    Checks.identifier(value, "organization id", RULE);
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
