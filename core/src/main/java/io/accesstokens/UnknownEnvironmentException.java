package io.accesstokens;

import io.accesstokens.internal.Redaction;

/**
 * The environment is not one of the organization's, per the host's environment directory. The
 * message names both as {@link Redaction#shown} allows.
 */
public class UnknownEnvironmentException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public UnknownEnvironmentException(OrganizationId organization, EnvironmentId environment) {
    super(named(organization) + " has no environment " + Redaction.shown(environment.value()));
  }
}
