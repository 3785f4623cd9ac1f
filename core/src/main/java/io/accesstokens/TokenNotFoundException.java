package io.accesstokens;

/**
 * No token has this id in this organization: it never existed, was deleted, or belongs to another
 * organization. The three cases are deliberately indistinguishable.
 */
public class TokenNotFoundException extends AccessTokenException {
  private static final long serialVersionUID = 1L;
  private final transient OrganizationId organization;
  private final transient TokenId tokenId;

  public TokenNotFoundException(OrganizationId organization, TokenId tokenId) {
    super("no token " + tokenId + " in " + named(organization));
    this.organization = organization;
    this.tokenId = tokenId;
  }

  public OrganizationId organization() {
    return organization;
  }

  public TokenId tokenId() {
    return tokenId;
  }
}
