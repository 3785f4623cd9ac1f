package io.accesstokens;

/**
 * The organization has no access to the application behind the page (the Harmony EDI application
 * for {@link Scope#EDI}), so the Access Tokens page does not exist for it. Nothing was read or
 * changed.
 */
public class NotEntitledException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  public NotEntitledException(OrganizationId organization, Scope scope) {
    super(
        named(organization)
            + " has no access to the "
            + scope
            + " application, so it has no access tokens page");
  }
}
