package io.accesstokens;

import io.accesstokens.internal.Checks;

/**
 * What {@link TokenService#create} returns: the new row and, this once, the full value.
 *
 * @param token the new row, Active
 * @param value the full value; its {@code toString()} is masked
 */
public record IssuedToken(AccessToken token, TokenSecret value) {
  public IssuedToken {
    Checks.notNull(token, "token");
    Checks.notNull(value, "value");
  }

  /** The new token's id. */
  public TokenId id() {
    return token.id();
  }
}
