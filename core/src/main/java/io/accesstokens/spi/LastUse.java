package io.accesstokens.spi;

import io.accesstokens.OrganizationId;
import io.accesstokens.TokenId;
import java.time.Instant;
import java.util.Objects;

/**
 * That a validator accepted a token at a time: what {@link TokenStore#recordLastUsed} writes.
 *
 * @param organization the token's organization; a store writes only a token of this organization
 * @param id the token
 * @param usedAt when the validator accepted it, by the validator's clock
 */
public record LastUse(OrganizationId organization, TokenId id, Instant usedAt) {
  public LastUse {
    Objects.requireNonNull(organization, "organization must not be null");
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(usedAt, "used at must not be null");
  }

  /** The later of the two uses of one token ({@code this} when they are at the same time). */
  public LastUse later(LastUse other) {
    return other.usedAt.isAfter(usedAt) ? other : this;
  }
}
