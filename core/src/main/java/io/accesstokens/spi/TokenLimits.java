package io.accesstokens.spi;

import io.accesstokens.OrganizationId;

/**
 * The host's answer to "how many tokens may this organization hold?": active and inactive ones
 * alike, since an inactive token can be switched back on at any time and so holds its place (as
 * GitHub and GitLab count every existing token); deleting a token frees its place. {@link
 * io.accesstokens.TokenService#create} passes the answer to {@link TokenStore#insert(StoredToken,
 * Change, long)}, which refuses a token beyond it atomically, so creates on several nodes at once
 * never exceed it.
 *
 * <p>Called once per create, so it should answer from memory. Lowering a limit below what an
 * organization holds deletes nothing; it only refuses creates until enough tokens are deleted.
 */
@FunctionalInterface
public interface TokenLimits {
  /** No limit: {@link #maxTokens} answers this for an organization that may hold any number. */
  long UNLIMITED = Long.MAX_VALUE;

  /** The most tokens {@code organization} may hold, at least 0; {@link #UNLIMITED} for no limit. */
  long maxTokens(OrganizationId organization);

  /** No organization has a limit; the default. */
  static TokenLimits none() {
    return organization -> UNLIMITED;
  }

  /**
   * Every organization may hold at most {@code maxTokens} tokens.
   *
   * @throws IllegalArgumentException if {@code maxTokens} is negative
   */
  static TokenLimits perOrganization(long maxTokens) {
    SpiChecks.maxTokens(maxTokens);
    return organization -> maxTokens;
  }
}
