package io.accesstokens;

/**
 * A create was refused because the organization already holds as many tokens as the host allows it
 * ({@link io.accesstokens.spi.TokenLimits}); nothing was written. Active and inactive tokens count
 * alike; deleting one frees its place. The message names the organization and the limit.
 */
public class TokenLimitExceededException extends AccessTokenException {
  private static final long serialVersionUID = 1L;

  private final transient OrganizationId organization;
  private final long limit;

  public TokenLimitExceededException(OrganizationId organization, long limit) {
    super(
        named(organization)
            + " already holds its limit of "
            + limit
            + (limit == 1 ? " token" : " tokens")
            + " (active and inactive count alike): delete a token to create another");
    this.organization = organization;
    this.limit = limit;
  }

  /** The organization that holds its limit. */
  public OrganizationId organization() {
    return organization;
  }

  /** The most tokens the organization may hold, as the host's limits said for this create. */
  public long limit() {
    return limit;
  }
}
