package io.accesstokens;

/**
 * A change lost a race: the token's version was not the one the change expected, because another
 * change was stored first; or a rotation found the token in a state that cannot be rotated
 * (inactive, expired, already rotated). Nothing was written. Read the token again and decide.
 */
public class TokenConflictException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public TokenConflictException(String message) {
    super(message);
  }

  public TokenConflictException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The usual message: which token, which version was expected. */
  public static TokenConflictException versionMismatch(TokenId id, long expected, long actual) {
    return new TokenConflictException(
        "token "
            + id
            + " was changed concurrently: expected version "
            + expected
            + " but the stored version is "
            + actual);
  }

  /**
   * A rotation refused for the token's state: {@code why} says it (inactive, expired, already
   * rotated).
   */
  public static TokenConflictException notRotatable(TokenId id, String why) {
    return new TokenConflictException("token " + id + " cannot be rotated: " + why);
  }
}
