package io.accesstokens;

/** The environment is not one of the organization's, per the host's environment directory. */
public class UnknownEnvironmentException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public UnknownEnvironmentException(OrganizationId organization, EnvironmentId environment) {
    super("organization " + organization + " has no environment " + environment);
  }
}
