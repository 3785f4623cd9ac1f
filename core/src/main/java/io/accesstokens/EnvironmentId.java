package io.accesstokens;

import io.accesstokens.internal.Checks;

/**
 * An environment of an organization, as the host's {@link io.accesstokens.spi.EnvironmentDirectory}
 * names it.
 *
 * @param value same rule as {@link OrganizationId}: 1 to 128 letters, digits or {@code . _ : @ -},
 *     starting with a letter or digit
 */
public record EnvironmentId(String value) {

  /**
   * @throws IllegalArgumentException if {@code value} breaks the rule above
   */
  public EnvironmentId {
    Checks.identifier(value, "environment id", OrganizationId.RULE);
  }

  /** Same as the constructor. */
  public static EnvironmentId of(String value) {
    return new EnvironmentId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
