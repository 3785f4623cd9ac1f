package io.accesstokens;

/**
 * Copy cannot return the full value of this token. Either the service keeps digests only ({@code
 * CopyPolicy.digestOnly()}), so the value was shown once at creation and exists nowhere now, or the
 * token's value was sealed under a key the service no longer has.
 */
public class CopyUnavailableException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public CopyUnavailableException(String message) {
    super(message);
  }

  public CopyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
