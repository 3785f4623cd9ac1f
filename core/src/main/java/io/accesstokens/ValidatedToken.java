package io.accesstokens;

/**
 * What the validator accepted: the token's id, organization, environment and scope. The same
 * instance is returned for every hit on a cached token, so a hit allocates nothing for it.
 *
 * @param id the token's id
 * @param organization its organization (the one the connection asked for)
 * @param environment its environment (the one the connection asked for)
 * @param scope its scope
 */
public record ValidatedToken(
    TokenId id, OrganizationId organization, EnvironmentId environment, Scope scope) {}
