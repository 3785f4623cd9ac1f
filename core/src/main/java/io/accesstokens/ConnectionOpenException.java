package io.accesstokens;

/**
 * The validator refused a connection. The message is exactly what the EDI for Cloud v2 connector
 * shows, for example {@code Error opening connection. Exception is: Error code: INVALID_TOKEN}.
 *
 * <p>The only exception {@link TokenValidator#validate} throws for a token or a store: the
 * connector catches this and nothing else (a store's {@link StoreUnavailableException} becomes
 * {@link ErrorCode#STORE_UNAVAILABLE} here). Only misuse escapes otherwise: a null scope,
 * organization or environment ({@link NullPointerException}), a closed validator ({@link
 * IllegalStateException}).
 *
 * <p>Created without a stack trace: a refusal is an expected answer on a hot path, not a bug, and
 * the trace would only say "in the validator".
 */
public final class ConnectionOpenException extends AccessTokenException {
  private static final long serialVersionUID = 1L;
  private static final String PREFIX = "Error opening connection. Exception is: Error code: ";

  /** The message of each code, built once: a refusal is on a hot path and needs no new string. */
  private static final String[] MESSAGES = messages();

  private final ErrorCode errorCode;

  public ConnectionOpenException(ErrorCode errorCode) {
    super(messageFor(errorCode), false);
    this.errorCode = errorCode;
  }

  /** Why the connection was refused. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The exact message the connector shows for {@code code}. */
  public static String messageFor(ErrorCode code) {
    return MESSAGES[code.ordinal()];
  }

  private static String[] messages() {
    ErrorCode[] codes = ErrorCode.values();
    String[] out = new String[codes.length];
    for (ErrorCode code : codes) {
      out[code.ordinal()] = PREFIX + code.name();
    }
    return out;
  }
}
