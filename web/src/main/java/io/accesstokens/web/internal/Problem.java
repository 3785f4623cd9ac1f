package io.accesstokens.web.internal;

/**
 * Every error the REST API answers with: an HTTP status and a stable code, which clients (the page
 * among them) may rely on; the message of an answer says what was wrong in words and may change.
 * {@code docs/web.md} lists them all (a test keeps the two the same).
 */
public enum Problem {
  /** The request or one of its parameters or fields breaks a rule; the message names it. */
  INVALID_REQUEST(400),
  /** The description breaks its rule (length, control characters, a pasted token value). */
  INVALID_DESCRIPTION(400),
  /** The environment is not one of the organization's. */
  UNKNOWN_ENVIRONMENT(400),
  /** Nobody is signed in (the host's {@code PageAccess} named no actor). */
  UNAUTHENTICATED(401),
  /** A change without the page's anti-forgery token, or with another one, or sent cross-site. */
  CSRF_REJECTED(403),
  /** The organization is not one the signed-in user may manage. */
  ORGANIZATION_FORBIDDEN(403),
  /** The user may see the organization but is not one of its administrators. */
  NOT_ADMINISTRATOR(403),
  /** The user administers no organization at all. */
  NO_ORGANIZATION(403),
  /** The organization has no access to the EDI application, so it has no Access Tokens page. */
  NOT_ENTITLED(403),
  /** No such address in this API. */
  NOT_FOUND(404),
  /**
   * No token with this id in this organization (never created, deleted, or another organization's).
   */
  TOKEN_NOT_FOUND(404),
  /** The address exists, but not for this method. */
  METHOD_NOT_ALLOWED(405),
  /** The token changed after the version the request names was read: nothing was changed. */
  VERSION_CONFLICT(409),
  /**
   * Rotate refused for the token's state: it is inactive, has expired or was already rotated (the
   * message says which), or it changed while being rotated; nothing was changed.
   */
  NOT_ROTATABLE(409),
  /** Copy cannot return this token's value (digest-only policy, or a key the service lacks). */
  COPY_UNAVAILABLE(409),
  /**
   * Add Token refused: the organization holds as many tokens as the host's limit allows (inactive
   * ones count too); nothing was created.
   */
  TOKEN_LIMIT_REACHED(409),
  /** The request body is larger than the API reads. */
  REQUEST_TOO_LARGE(413),
  /** A request body that is not {@code application/json}. */
  UNSUPPORTED_MEDIA_TYPE(415),
  /** Something failed on the server; its log has the details. */
  INTERNAL_ERROR(500),
  /** The token store could not answer: a change may or may not have been saved. */
  STORE_UNAVAILABLE(503);

  private final int status;

  Problem(int status) {
    this.status = status;
  }

  /** The HTTP status of answers with this code. */
  public int status() {
    return status;
  }
}
