package io.accesstokens;

/**
 * The root of this library's exceptions: each subclass names what failed. Mistakes in the arguments
 * of a call are reported with the JDK's {@link IllegalArgumentException} and {@link
 * NullPointerException} instead. No message of this family ever contains a token value or a digest.
 */
public class AccessTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AccessTokenException(String message) {
    super(message);
  }

  public AccessTokenException(String message, Throwable cause) {
    super(message, cause);
  }

  /** For exceptions on hot paths that need no stack trace. */
  protected AccessTokenException(String message, boolean writableStackTrace) {
    super(message, null, false, writableStackTrace);
  }
}
