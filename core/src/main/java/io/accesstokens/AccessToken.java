package io.accesstokens;

import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Descriptions;
import io.accesstokens.internal.TokenFormat;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the page's table: Token (masked), Status, Environment, Description and Scope, plus
 * what a program needs to act on the row.
 *
 * <p>The Token column is deliberately the masked form ({@link #maskedValue()}: the prefix and the
 * token's id, {@code atk_3QthUyX9wl7…}), not the full value the console's table shows: a list on a
 * screen, in a log or in a support ticket then never exposes a secret, nor anything computed from
 * one. The full value comes only from {@link TokenService#copy}.
 *
 * @param id the non-secret handle for management calls
 * @param organization the organization the token belongs to
 * @param environment the environment the token belongs to within the organization
 * @param status Active or Inactive
 * @param description the Description column, or {@code null} when none was given; one that looks
 *     like a token value (stored before the service refused such text) is replaced by a note giving
 *     its kind and length only, so a listed row never shows a pasted value
 * @param scope the Scope column (EDI)
 * @param createdAt when the token was created (microsecond precision)
 * @param updatedAt when the row last changed (microsecond precision)
 * @param version starts at 1 and grows by one with each change, for optimistic concurrency
 */
public record AccessToken(
    TokenId id,
    OrganizationId organization,
    EnvironmentId environment,
    TokenStatus status,
    @Nullable String description,
    Scope scope,
    Instant createdAt,
    Instant updatedAt,
    long version) {

  /**
   * @throws IllegalArgumentException if a field breaks its rule; NullPointerException if one is
   *     null
   */
  public AccessToken {
    Checks.notNull(id, "id");
    Checks.notNull(organization, "organization");
    Checks.notNull(environment, "environment");
    Checks.notNull(status, "status");
    Checks.notNull(scope, "scope");
    Checks.notNull(createdAt, "created at");
    Checks.notNull(updatedAt, "updated at");
    Descriptions.check(description);
    description = Descriptions.shown(description);
    Checks.argument(version >= 1, "version must be at least 1, but was " + version);
    Checks.argument(!updatedAt.isBefore(createdAt), "updated at must not be before created at");
  }

  /**
   * The Token column: the prefix, the token's id and an ellipsis, for example {@code
   * atk_3QthUyX9wl7…}. Derived from the id, which is not secret, on every read, so no row ever
   * shows a form a store kept (earlier versions stored the prefix and the value's last four
   * characters, which are a checksum of the secret).
   */
  public String maskedValue() {
    return TokenFormat.mask(id);
  }

  /** Whether the token can validate (status Active). */
  public boolean isActive() {
    return status == TokenStatus.ACTIVE;
  }

  /** A copy with another status, time and version. */
  public AccessToken withStatus(TokenStatus newStatus, Instant at) {
    return new AccessToken(
        id, organization, environment, newStatus, description, scope, createdAt, at, version + 1);
  }

  /** A copy with only the time and version changed (secrets rewritten under new keys). */
  AccessToken touched(Instant at) {
    return new AccessToken(
        id, organization, environment, status, description, scope, createdAt, at, version + 1);
  }

  /** A copy with another description, time and version. */
  public AccessToken withDescription(@Nullable String newDescription, Instant at) {
    return new AccessToken(
        id, organization, environment, status, newDescription, scope, createdAt, at, version + 1);
  }
}
