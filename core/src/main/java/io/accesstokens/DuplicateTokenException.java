package io.accesstokens;

/**
 * A store refused to insert a token because its id or its digest is already stored. The service
 * answers it by minting another token; a host sees it only from its own store code.
 */
public class DuplicateTokenException extends TokenConflictException {
  private static final long serialVersionUID = 1L;

  public DuplicateTokenException(String message) {
    super(message);
  }

  public DuplicateTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
