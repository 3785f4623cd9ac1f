package io.accesstokens.spi;

import io.accesstokens.ConnectionSource;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * That a validator accepted a token at a time, from a source: what {@link
 * TokenStore#recordLastUsed} writes. The time and the source belong to one use and are written
 * together.
 *
 * @param organization the token's organization; a store writes only a token of this organization
 * @param id the token
 * @param usedAt when the validator accepted it, by the validator's clock
 * @param from where the connection came from, if the host passed it to the validator; {@code null}
 *     when it did not (written as it is: the stored source always belongs to the stored time)
 */
public record LastUse(
    OrganizationId organization, TokenId id, Instant usedAt, @Nullable ConnectionSource from) {
  public LastUse {
    Objects.requireNonNull(organization, "organization must not be null");
    Objects.requireNonNull(id, "id must not be null");
    Objects.requireNonNull(usedAt, "used at must not be null");
  }

  /** A use whose source the host did not pass. */
  public LastUse(OrganizationId organization, TokenId id, Instant usedAt) {
    this(organization, id, usedAt, null);
  }

  /**
   * The later of the two uses of one token, with its own source ({@code this} when they are at the
   * same time).
   */
  public LastUse later(LastUse other) {
    return other.usedAt.isAfter(usedAt) ? other : this;
  }
}
