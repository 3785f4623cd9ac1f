package io.accesstokens;

/**
 * The store could not answer: a connection failed, a timeout passed, the database is down. Nothing
 * is known about whether a write that failed this way happened; read before retrying a change.
 *
 * <p>Thrown by stores and by every {@link TokenService} call, which the page catches. Never by
 * {@link TokenValidator#validate}: the validator fails closed with a {@link
 * ConnectionOpenException} of {@link ErrorCode#STORE_UNAVAILABLE} instead.
 */
public class StoreUnavailableException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
