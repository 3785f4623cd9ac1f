package io.accesstokens;

import io.accesstokens.internal.Checks;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An audit event: what happened to which token, when, and who did it. Never carries the token value
 * or its digest.
 *
 * @param type what happened
 * @param organization the token's organization
 * @param environment the token's environment
 * @param tokenId the token's id
 * @param actor who did it, as the host named them on the call
 * @param at when, from the service's clock
 * @param version the token's version after the change (for {@link TokenEventType#DELETED} and
 *     {@link TokenEventType#VALUE_COPIED}, the version the token had)
 * @param reason why, as the caller gave it, for {@link TokenEventType#TOKEN_LEAK_REPORTED}; when
 *     the token expires and the threshold crossed, for {@link TokenEventType#TOKEN_EXPIRING}; the
 *     successor and the predecessor's new expiry, for {@link TokenEventType#TOKEN_ROTATED}; the
 *     predecessor, for the {@link TokenEventType#CREATED} of a rotation's successor; null for every
 *     other type (checked like a description: never token-shaped)
 */
public record TokenEvent(
    TokenEventType type,
    OrganizationId organization,
    EnvironmentId environment,
    TokenId tokenId,
    Actor actor,
    Instant at,
    long version,
    @Nullable String reason) {
  public TokenEvent {
    Checks.notNull(type, "type");
    Checks.notNull(organization, "organization");
    Checks.notNull(environment, "environment");
    Checks.notNull(tokenId, "token id");
    Checks.notNull(actor, "actor");
    Checks.notNull(at, "at");
  }

  /** An event without a reason: every type but {@link TokenEventType#TOKEN_LEAK_REPORTED}. */
  public TokenEvent(
      TokenEventType type,
      OrganizationId organization,
      EnvironmentId environment,
      TokenId tokenId,
      Actor actor,
      Instant at,
      long version) {
    this(type, organization, environment, tokenId, actor, at, version, null);
  }
}
