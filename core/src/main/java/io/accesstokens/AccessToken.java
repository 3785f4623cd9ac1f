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
 * @param expiresAt when the token stops validating (microsecond precision), or {@code null} for
 *     never (every token created before expiry existed); the page's Expires column. Expiry goes by
 *     the clock of whoever compares: see {@link TokenValidator} on clock skew between nodes
 * @param rotatedFrom the token this one succeeded by a rotation, or {@code null} if it was created
 *     directly (the chain the page can show)
 * @param lastUsedAt when a validator last accepted the token, as last written by a flush (at most
 *     one flush interval behind), or {@code null} if never recorded; not part of {@link #version}:
 *     recording a use never conflicts with a user's change
 * @param retiresPredecessorOnFirstUse whether this token, a successor made by {@link
 *     TokenService#rotate(OrganizationId, TokenId, java.time.Duration, Expiry,
 *     PredecessorRetirement, Actor)} with {@link PredecessorRetirement#FIRST_USE}, still has to
 *     retire its predecessor: true until a validator first accepts this token's value and the store
 *     deactivates the predecessor ({@link io.accesstokens.spi.TokenStore#retirePredecessor}), then
 *     false for good; always false for a token without a predecessor
 * @param lastUsedFrom where the connection of the use at {@link #lastUsedAt} came from, if the
 *     validating host passed it ({@link ConnectionSource}), else {@code null}; always that same
 *     use's, never an older one's, and {@code null} whenever {@code lastUsedAt} is
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
    long version,
    @Nullable Instant expiresAt,
    @Nullable TokenId rotatedFrom,
    @Nullable Instant lastUsedAt,
    boolean retiresPredecessorOnFirstUse,
    @Nullable ConnectionSource lastUsedFrom) {

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
    Checks.argument(
        expiresAt == null || !expiresAt.isBefore(createdAt),
        "expires at must not be before created at");
    Checks.argument(
        !retiresPredecessorOnFirstUse || rotatedFrom != null,
        "only a token rotated from another can retire its predecessor on first use");
    Checks.argument(
        lastUsedFrom == null || lastUsedAt != null,
        "last used from must be null when last used at is null");
  }

  /**
   * A row that retires no predecessor on its first use and whose last use, if any, came from a
   * source not passed (every row made before those existed).
   */
  public AccessToken(
      TokenId id,
      OrganizationId organization,
      EnvironmentId environment,
      TokenStatus status,
      @Nullable String description,
      Scope scope,
      Instant createdAt,
      Instant updatedAt,
      long version,
      @Nullable Instant expiresAt,
      @Nullable TokenId rotatedFrom,
      @Nullable Instant lastUsedAt) {
    this(
        id,
        organization,
        environment,
        status,
        description,
        scope,
        createdAt,
        updatedAt,
        version,
        expiresAt,
        rotatedFrom,
        lastUsedAt,
        false,
        null);
  }

  /** A row that never expires (as every row did before expiry existed). */
  public AccessToken(
      TokenId id,
      OrganizationId organization,
      EnvironmentId environment,
      TokenStatus status,
      @Nullable String description,
      Scope scope,
      Instant createdAt,
      Instant updatedAt,
      long version) {
    this(
        id,
        organization,
        environment,
        status,
        description,
        scope,
        createdAt,
        updatedAt,
        version,
        null);
  }

  /** A row with no predecessor and no recorded use. */
  public AccessToken(
      TokenId id,
      OrganizationId organization,
      EnvironmentId environment,
      TokenStatus status,
      @Nullable String description,
      Scope scope,
      Instant createdAt,
      Instant updatedAt,
      long version,
      @Nullable Instant expiresAt) {
    this(
        id,
        organization,
        environment,
        status,
        description,
        scope,
        createdAt,
        updatedAt,
        version,
        expiresAt,
        null,
        null);
  }

  /**
   * Whether the token has expired at {@code now}: it has an expiry and {@code now} is not before it
   * (a token is valid up to, not including, its expiry).
   */
  public boolean isExpiredAt(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
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
    return changed(newStatus, description, expiresAt, retiresPredecessorOnFirstUse, at);
  }

  /**
   * A copy that no longer retires its predecessor on first use (it did, or there was nothing left
   * to retire), with another time and version.
   */
  public AccessToken withPredecessorRetired(Instant at) {
    return changed(status, description, expiresAt, false, at);
  }

  /** A copy with only the time and version changed (secrets rewritten under new keys). */
  AccessToken touched(Instant at) {
    return changed(status, description, expiresAt, retiresPredecessorOnFirstUse, at);
  }

  /** A copy with another expiry ({@code null}: never), time and version. */
  public AccessToken withExpiry(@Nullable Instant newExpiry, Instant at) {
    return changed(status, description, newExpiry, retiresPredecessorOnFirstUse, at);
  }

  /**
   * A copy with this last use (its time and its source, {@code null} when none was passed), and the
   * same version and updated time: a use is not a change. For a store writing a {@link
   * io.accesstokens.spi.LastUse}; the monotonic maximum is the store's to keep.
   */
  public AccessToken withLastUse(Instant usedAt, @Nullable ConnectionSource from) {
    Checks.notNull(usedAt, "used at");
    return new AccessToken(
        id,
        organization,
        environment,
        status,
        description,
        scope,
        createdAt,
        updatedAt,
        version,
        expiresAt,
        rotatedFrom,
        usedAt,
        retiresPredecessorOnFirstUse,
        from);
  }

  /** A copy with another description, time and version. */
  public AccessToken withDescription(@Nullable String newDescription, Instant at) {
    return changed(status, newDescription, expiresAt, retiresPredecessorOnFirstUse, at);
  }

  /** A copy with these user-visible fields, {@code at} as its updated time and the next version. */
  private AccessToken changed(
      TokenStatus newStatus,
      @Nullable String newDescription,
      @Nullable Instant newExpiry,
      boolean newRetiresPredecessor,
      Instant at) {
    return new AccessToken(
        id,
        organization,
        environment,
        newStatus,
        newDescription,
        scope,
        createdAt,
        at,
        version + 1,
        newExpiry,
        rotatedFrom,
        lastUsedAt,
        newRetiresPredecessor,
        lastUsedFrom);
  }
}
