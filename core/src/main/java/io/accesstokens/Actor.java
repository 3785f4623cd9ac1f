package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.util.regex.Pattern;

/**
 * Who performs a change, as the host names them (a user name, an email, a service account). Carried
 * into audit events and the change record; never used for authorization, which is the host's job.
 *
 * @param name 1 to 256 characters, no control characters, not blank, and nothing that looks like a
 *     token value (a value pasted here would be written into every audit record of the change)
 */
public record Actor(String name) {
  private static final Pattern PATTERN = Pattern.compile("[^\\p{Cntrl}\\p{Cs}]{1,256}");

  /**
   * @throws IllegalArgumentException if {@code name} is blank, too long, has control characters or
   *     looks like a token value
   */
  public Actor {
    Checks.notTokenShaped(Checks.notNull(name, "actor name"), "actor name");
    Checks.identifier(
        name, "actor name", PATTERN, "1 to 256 characters without control characters");
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
