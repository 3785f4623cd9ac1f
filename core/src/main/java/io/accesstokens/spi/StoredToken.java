package io.accesstokens.spi;

import io.accesstokens.AccessToken;
import io.accesstokens.OrganizationId;
import io.accesstokens.TokenId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a store keeps for one token: the row as the page shows it, the lookup digest, and the
 * sealed value for Copy (absent under the digest-only policy). Never the clear value.
 *
 * @param token the row: id, organization, environment, status, description, scope, times and
 *     version (the masked value is derived from the id)
 * @param digest the lookup digest (unique across the store)
 * @param sealedValue the value sealed for Copy, or {@code null}
 */
public record StoredToken(
    AccessToken token, LookupDigest digest, @Nullable SealedValue sealedValue) {
  public StoredToken {
    Objects.requireNonNull(token, "token must not be null");
    Objects.requireNonNull(digest, "digest must not be null");
  }

  public TokenId id() {
    return token.id();
  }

  public OrganizationId organization() {
    return token.organization();
  }

  public long version() {
    return token.version();
  }

  /** A copy with another row (same digest and sealed value). */
  public StoredToken withToken(AccessToken next) {
    return new StoredToken(next, digest, sealedValue);
  }
}
