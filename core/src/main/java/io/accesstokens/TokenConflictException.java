package io.accesstokens;

import org.jspecify.annotations.Nullable;

/**
 * A change lost a race: the token's version was not the one the change expected, because another
 * change was stored first; or a rotation found the token in a state that cannot be rotated
 * (inactive, expired, already rotated). Nothing was written. Read the token again and decide.
 */
public class TokenConflictException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  /** Why the token's state refuses a rotation; null for a lost race. */
  private final @Nullable String notRotatableBecause;

  public TokenConflictException(String message) {
    super(message);
    this.notRotatableBecause = null;
  }

  public TokenConflictException(String message, Throwable cause) {
    super(message, cause);
    this.notRotatableBecause = null;
  }

  private TokenConflictException(String message, String notRotatableBecause) {
    super(message);
    this.notRotatableBecause = notRotatableBecause;
  }

  /**
   * Why the token cannot be rotated (for example "it is inactive"), when this refusal is for the
   * token's state rather than a lost race, so that a caller can tell the two apart without reading
   * the message; null otherwise.
   */
  public @Nullable String notRotatableReason() {
    return notRotatableBecause;
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
    return new TokenConflictException("token " + id + " cannot be rotated: " + why, why);
  }
}
