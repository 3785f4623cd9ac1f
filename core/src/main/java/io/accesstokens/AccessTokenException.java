package io.accesstokens;

import io.accesstokens.internal.Redaction;

/**
 * The root of this library's exceptions, never thrown itself: each subclass names what failed.
 * Mistakes in the arguments of a call are reported with the JDK's {@link IllegalArgumentException}
 * and {@link NullPointerException} instead, and misuse of an object (a builder setting set twice, a
 * closed validator) with {@link IllegalStateException}. No message of this family ever contains a
 * token value, a piece of one, or a digest.
 *
 * <table>
 *   <caption>Which exception a caller catches where</caption>
 *   <tr><th>Caller</th><th>Catches</th><th>Meaning</th></tr>
 *   <tr><td>The EDI connector, around {@link TokenValidator#validate}</td>
 *       <td>{@link ConnectionOpenException} only</td>
 *       <td>{@link ErrorCode#INVALID_TOKEN}: refused (malformed, unknown, inactive, deleted,
 *       foreign, no EDI access; all alike). {@link ErrorCode#STORE_UNAVAILABLE}: the store did not
 *       answer in time, failed closed. The validator never lets a store's {@link
 *       StoreUnavailableException} through.</td></tr>
 *   <tr><td>The page, around {@link TokenService}'s calls</td>
 *       <td>{@link NotEntitledException}, {@link UnknownEnvironmentException}, {@link
 *       TokenNotFoundException}, {@link TokenConflictException}, {@link
 *       CopyUnavailableException}</td>
 *       <td>What the user asked for cannot be done; each is documented on the method that throws
 *       it, and nothing was changed.</td></tr>
 *   <tr><td>The page, around any {@link TokenService} call</td>
 *       <td>{@link StoreUnavailableException}</td>
 *       <td>The store did not answer (connection, timeout, database down). A write that failed
 *       this way may or may not have happened: read before retrying.</td></tr>
 *   <tr><td>A store implementation (the {@link io.accesstokens.spi.TokenStore} SPI)</td>
 *       <td>throws {@link StoreUnavailableException}, {@link TokenConflictException} and {@link
 *       DuplicateTokenException}</td>
 *       <td>As each SPI method documents.</td></tr>
 * </table>
 *
 * <p>Abstract, with protected constructors (as Jdbi's {@code JdbiException}): it is never thrown
 * itself, so a {@code catch (AccessTokenException e)} catches one of the subclasses above.
 */
public abstract class AccessTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with {@code message}, which must hold no secret. */
  protected AccessTokenException(String message) {
    super(message);
  }

  /** An exception with {@code message}, which must hold no secret, caused by {@code cause}. */
  protected AccessTokenException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * How a message names {@code organization}: "organization acme", its id shown as {@link
   * Redaction#shown} allows.
   */
  static String named(OrganizationId organization) {
    return "organization " + Redaction.shown(organization.value());
  }

  /** For exceptions on hot paths that need no stack trace. */
  protected AccessTokenException(String message, boolean writableStackTrace) {
    super(message, null, false, writableStackTrace);
  }
}
